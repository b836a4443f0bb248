import { createHash } from 'node:crypto';
import { failedStepMessage, lateCompletionLogMessage, requestMessage, strayMessage, uploadOutcomeMessage } from './messages.ts';
import type { MultipartEvent } from './multipart.ts';
import { recordTimeMs, type AccessLogRecord } from './record.ts';
import { decodeKey, operationInScope, type S3LogRules } from './rules.ts';
import { DECIDED_FATES, FAILED_FATES, type KeyEvaluation, type Upload } from './uploads.ts';

/**
 * One failure found in S3 server access logs, as the ingester writes it into
 * the execution-log table (log-item.ts gives its item) for the pipeline to
 * capture like any writer's.
 */
export interface S3Failure {
  readonly pk: string;
  readonly eventTs: number;
  readonly message: string;
  /** The digest groups by it: one line per object. */
  readonly process: string;
  readonly bucket: string;
  /** As logged (URL-encoded); none for a bucket request. */
  readonly key?: string;
  readonly requestId?: string;
  readonly operation?: string;
  readonly httpStatus?: number;
  readonly errorCode?: string;
  readonly uploadId?: string;
  /**
   * How much of its upload the message was written from (requests seen, and
   * whether the outcome was decided). A write with less evidence never
   * replaces one with more, so two log objects read at once cannot leave the
   * older picture behind.
   */
  readonly evidence?: number;
}

// A DynamoDB partition key takes at most 2048 bytes; an S3 key URL-encoded can be longer.
const MAX_PK_BYTES = 1024;

function fit(text: string): string {
  if (Buffer.byteLength(text) <= MAX_PK_BYTES) return text;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 32);
  let head = text.slice(0, 900);
  while (Buffer.byteLength(head) > 900) head = head.slice(0, -1);
  return `${head}…#${hash}`;
}

/** `s3://bucket/key` with the key as the object is named, or `s3://bucket` for bucket requests. */
export function objectName(bucket: string, loggedKey: string | null): string {
  return loggedKey ? `s3://${bucket}/${decodeKey(loggedKey)}` : `s3://${bucket}`;
}

/** One item per failed request, named by bucket, key and request id: a redelivered log rewrites it. */
export function requestPk(bucket: string, loggedKey: string | null, requestId: string): string {
  return fit(`${objectName(bucket, loggedKey)}#${requestId}`);
}

/** The item of an upload's outcome, named by the request that started it (or its upload id). */
export function uploadPk(u: Upload): string {
  const id = u.init ? u.init.requestId : `upload-id:${u.uploadId}`;
  return fit(`${objectName(u.bucket, u.key)}#${id}#upload`);
}

function base(bucket: string, loggedKey: string | null): Pick<S3Failure, 'process' | 'bucket' | 'key'> {
  return {
    process: fit(objectName(bucket, loggedKey)),
    bucket,
    ...(loggedKey ? { key: loggedKey } : {}),
  };
}

function stepFields(e: MultipartEvent): Partial<S3Failure> {
  return {
    requestId: e.requestId,
    operation: e.operation,
    ...(e.httpStatus !== null ? { httpStatus: e.httpStatus } : {}),
    ...(e.errorCode !== null ? { errorCode: e.errorCode } : {}),
    ...(e.uploadId !== null ? { uploadId: e.uploadId } : {}),
  };
}

/** A failed request outside any tracked upload. */
export function requestItem(r: AccessLogRecord & { request_id: string }): S3Failure {
  return {
    ...base(r.bucket, r.key),
    pk: requestPk(r.bucket, r.key, r.request_id),
    eventTs: recordTimeMs(r),
    message: requestMessage(r),
    requestId: r.request_id,
    ...(r.operation ? { operation: r.operation } : {}),
    ...(r.http_status !== null ? { httpStatus: r.http_status } : {}),
    ...(r.error_code ? { errorCode: r.error_code } : {}),
  };
}

const evidenceOf = (u: Upload) => u.events.length * 2 + (DECIDED_FATES.has(u.fate) ? 1 : 0);

function uploadItems(u: Upload, rules: S3LogRules): S3Failure[] {
  const evidence = evidenceOf(u);
  const items: S3Failure[] = u.failed
    .filter((e) => operationInScope(rules, e.operation))
    .map((e) => ({
      ...base(u.bucket, u.key),
      ...stepFields(e),
      pk: requestPk(u.bucket, u.key, e.requestId),
      eventTs: e.ts,
      message: failedStepMessage(u, e, rules.graceMs),
      ...(u.uploadId !== null ? { uploadId: u.uploadId } : {}),
      evidence,
    }));
  if (FAILED_FATES.has(u.fate)) {
    // Dated at the start: the day the upload began is the day that reports it.
    items.push({
      ...base(u.bucket, u.key),
      pk: uploadPk(u),
      eventTs: u.startMs,
      message: uploadOutcomeMessage(u, rules.graceMs),
      ...(u.init ? { requestId: u.init.requestId, operation: u.init.operation } : {}),
      ...(u.uploadId !== null ? { uploadId: u.uploadId } : {}),
      evidence,
    });
  }
  return items;
}

/** Every FAILED item one object's uploads call for, judged as `evaluateUploads` judged them. Pure. */
export function itemsForKey(evaluation: KeyEvaluation, rules: S3LogRules): S3Failure[] {
  const strays = evaluation.strays
    .filter((e) => operationInScope(rules, e.operation))
    .map((e) => ({
      ...base(e.bucket, e.key),
      ...stepFields(e),
      pk: requestPk(e.bucket, e.key, e.requestId),
      eventTs: e.ts,
      message: strayMessage(e),
      evidence: 1,
    }));
  return [...evaluation.uploads.flatMap((u) => uploadItems(u, rules)), ...strays];
}

/**
 * Items that correct an earlier verdict, to be written only where that
 * verdict was: an upload reported as never completed whose completion was
 * logged after the check (S3 delivers access logs late at times). The failure
 * stays on record, as every FAILED write does; its message says what
 * happened. Pure.
 */
export function correctionsForKey(evaluation: KeyEvaluation, rules: S3LogRules): S3Failure[] {
  return evaluation.uploads
    .filter((u) => u.fate === 'completed' && u.init !== null)
    .map((u) => ({
      ...base(u.bucket, u.key),
      pk: uploadPk(u),
      eventTs: u.startMs,
      message: lateCompletionLogMessage(u, rules.graceMs),
      requestId: u.init!.requestId,
      operation: u.init!.operation,
      ...(u.uploadId !== null ? { uploadId: u.uploadId } : {}),
      evidence: evidenceOf(u),
    }));
}
