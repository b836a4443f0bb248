import type { Readable } from 'node:stream';
import type { S3LogDeps } from './deps.ts';
import { requestItem, type S3Failure } from './items.ts';
import { isOk, type MultipartEvent } from './multipart.ts';
import { parseLogStream } from './read-lines.ts';
import { classifyRecord } from './rules.ts';
import { settleObjects, type ObjectRef, type SettleResult } from './settle.ts';

/** One log object or file; opened only when its turn comes. */
export interface LogSource {
  readonly name: string;
  open(): Promise<Readable>;
}

export interface MalformedLine {
  readonly source: string;
  readonly line: number;
  readonly reason: string;
}

export interface IngestResult {
  readonly objects: number;
  readonly records: number;
  readonly malformed: number;
  /** Failed requests outside multipart uploads, written as they were read. */
  readonly failedRequests: number;
  /** Multipart requests kept as upload state. */
  readonly uploadSteps: number;
  readonly settled: SettleResult;
}

export interface IngestOptions {
  /** Told about each malformed line; the line is counted and skipped. */
  readonly onMalformed?: (m: MalformedLine) => void;
}

// Writes go out in chunks, so a 1 GB log needs no more memory than a small one.
const FLUSH_EVERY = 500;

/**
 * Reads log objects and turns them into FAILED items of the execution-log
 * table, from where the normal pipeline captures and reports them.
 *
 * Failed requests outside multipart uploads become items at once. Multipart
 * requests are first kept as upload state (in the summary table), because
 * whether an upload completed may be logged in a later object; then every
 * object touched is judged from all its stored requests. A completion read in
 * the same run is therefore enough; one that comes later is seen when its log
 * object is read, and an upload nobody logs anything about again is judged by
 * the sweep once its grace period has passed.
 */
export async function ingestLogs(
  deps: S3LogDeps,
  sources: Iterable<LogSource> | AsyncIterable<LogSource>,
  options: IngestOptions = {},
): Promise<IngestResult> {
  const touched = new Map<string, ObjectRef>();
  let steps: MultipartEvent[] = [];
  let failures: S3Failure[] = [];
  let objects = 0;
  let records = 0;
  let malformed = 0;
  let failedRequests = 0;
  let uploadSteps = 0;

  const flush = async () => {
    if (steps.length > 0) {
      const batch = steps;
      steps = [];
      await deps.uploads.putEvents(batch);
      await deps.uploads.putStarts(batch.filter((e) => e.role === 'init' && isOk(e.httpStatus)));
      uploadSteps += batch.length;
    }
    if (failures.length > 0) {
      const batch = failures;
      failures = [];
      await deps.failures.putAll(batch);
      failedRequests += batch.length;
    }
  };

  for await (const source of sources) {
    objects += 1;
    for await (const { lineNumber, result } of parseLogStream(await source.open())) {
      if (!result.ok) {
        malformed += 1;
        options.onMalformed?.({ source: source.name, line: lineNumber, reason: result.reason });
        continue;
      }
      records += 1;
      const record = result.record;
      const c = classifyRecord(deps.rules, record);
      if (c.kind === 'upload-step') {
        steps.push(c.event);
        const id = `${c.event.bucket}\u0000${c.event.key}`;
        const known = touched.get(id);
        if (!known || c.event.ts < known.fromMs) touched.set(id, { bucket: c.event.bucket, key: c.event.key, fromMs: c.event.ts });
      } else if (c.kind === 'failure' && record.request_id) {
        failures.push(requestItem({ ...record, request_id: record.request_id }));
      }
      if (steps.length + failures.length >= FLUSH_EVERY) await flush();
    }
  }
  await flush();
  const settled = await settleObjects(deps, [...touched.values()], deps.clock());
  return { objects, records, malformed, failedRequests, uploadSteps, settled };
}
