import type { MultipartEvent } from './multipart.ts';
import type { AccessLogRecord } from './record.ts';
import { decodeKey } from './rules.ts';
import { errorLabel, type Upload } from './uploads.ts';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const hours = (ms: number) => `${Number((ms / 3_600_000).toFixed(1))} h`;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

function partsPhrase(u: Upload): string {
  if (u.partsSent === 0) return 'no part sent';
  if (u.partsFailed === 0) return `${plural(u.partsSent, 'part')} sent, none failed`;
  const codes = u.errorCodes.filter((c) => u.failed.some((e) => e.role === 'part' && errorLabel(e) === c));
  const retried = u.partsRetried > 0 ? `, ${u.partsRetried} stored on retry` : '';
  return `${u.partsFailed} of ${plural(u.partsSent, 'part')} failed (${codes.join(', ')})${retried}`;
}

function fatePhrase(u: Upload, graceMs: number): string {
  const completion = u.completionErrors.length > 0 ? `completion failed (${u.completionErrors.join(', ')}), ` : '';
  switch (u.fate) {
    case 'completed':
      return `${completion}upload completed`;
    case 'completed-late':
      return `${completion}upload completed only ${hours(u.completedMs! - u.startMs)} after it started (grace ${hours(graceMs)})`;
    case 'aborted':
      return `${completion}upload aborted`;
    case 'incomplete':
      return `${completion}upload never completed`;
    case 'pending':
      return `${completion}upload not completed yet`;
    case 'untracked':
      return `${completion}completion not in the logs`;
  }
}

/**
 * The one sentence that says what happened to an upload, e.g.
 * `backup-2026-11-25.tar: 3 of 120 parts failed (SlowDown), upload never completed`.
 * Every failure item of the upload starts with it, so whichever of them is the
 * latest of the day, the digest line for the object reads right.
 */
export function uploadSentence(u: Upload, graceMs: number): string {
  return `${decodeKey(u.key)}: ${partsPhrase(u)}, ${fatePhrase(u, graceMs)}`;
}

const uploadRef = (uploadId: string | null) => (uploadId ? `upload id ${uploadId}` : 'upload id not logged');

/** Message of one failed request of an upload: the upload's sentence, then the request. */
export function failedStepMessage(u: Upload, e: MultipartEvent, graceMs: number): string {
  const part = e.partNumber !== null ? `, part ${e.partNumber}` : '';
  return `${uploadSentence(u, graceMs)}. This request: ${e.operation} ${e.httpStatus} ${errorLabel(e)}${part}, ${uploadRef(e.uploadId ?? u.uploadId)}, request ${e.requestId}.`;
}

/** Message of the item that reports the upload itself (never completed, aborted, completed late). */
export function uploadOutcomeMessage(u: Upload, graceMs: number): string {
  const start = u.init ? `started ${iso(u.startMs)} (request ${u.init.requestId})` : `first request ${iso(u.startMs)}`;
  const end =
    u.fate === 'aborted'
      ? `aborted ${iso(u.abortedMs!)}`
      : u.fate === 'completed-late'
        ? `completed ${iso(u.completedMs!)}`
        : `no successful REST.POST.UPLOAD within ${hours(graceMs)}`;
  return `${uploadSentence(u, graceMs)}. Upload ${start}, ${end}, ${uploadRef(u.uploadId)}.`;
}

/** Message of an upload reported as never completed whose completion was logged after that. */
export function lateCompletionLogMessage(u: Upload, graceMs: number): string {
  return (
    `${uploadSentence(u, graceMs)}. Upload started ${iso(u.startMs)} (request ${u.init?.requestId}), completed ${iso(u.completedMs!)}, ${uploadRef(u.uploadId)}; ` +
    'the log of its completion arrived only after the upload had been reported as never completed.'
  );
}

/** Message of a failed multipart request that belongs to no upload (a failed start). */
export function strayMessage(e: MultipartEvent): string {
  const what = e.role === 'init' ? 'starting a multipart upload failed' : `${e.operation} failed`;
  return `${decodeKey(e.key)}: ${what} (${e.httpStatus} ${errorLabel(e)}). This request: ${e.operation}, ${uploadRef(e.uploadId)}, request ${e.requestId}.`;
}

/** Message of a failed request outside multipart uploads. */
export function requestMessage(r: AccessLogRecord): string {
  const subject = r.key ? decodeKey(r.key) : `bucket ${r.bucket}`;
  return `${subject}: ${r.operation ?? 'request'} failed (${r.http_status} ${r.error_code ?? `HTTP ${r.http_status}`}). Request ${r.request_id ?? 'without id'}${r.requester ? ` by ${r.requester}` : ''}.`;
}
