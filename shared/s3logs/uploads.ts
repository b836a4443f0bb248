import { isFailure, isOk, type MultipartEvent } from './multipart.ts';

/**
 * What became of one multipart upload, judged at one instant:
 * - `completed`: a CompleteMultipartUpload succeeded within the grace period;
 * - `completed-late`: it succeeded, but only after the grace period;
 * - `aborted`: an AbortMultipartUpload succeeded, so the object was never stored;
 * - `incomplete`: started, and the grace period passed without a successful completion;
 * - `pending`: started, not completed, still within the grace period;
 * - `untracked`: its start is not in the logs at hand (parts only), so the
 *   grace period cannot be measured; only its failed requests count.
 */
export type UploadFate = 'completed' | 'completed-late' | 'aborted' | 'incomplete' | 'pending' | 'untracked';

export interface Upload {
  readonly bucket: string;
  /** As logged (URL-encoded). */
  readonly key: string;
  /** Null for a start no later request refers to (the client never sent a part). */
  readonly uploadId: string | null;
  /** The successful REST.POST.UPLOADS this upload began with, when it is in the logs. */
  readonly init: MultipartEvent | null;
  readonly startMs: number;
  /** When the grace period ends; null without a known start. */
  readonly deadlineMs: number | null;
  /** Every request of the upload, oldest first, the start included. */
  readonly events: readonly MultipartEvent[];
  /** Distinct part numbers sent. */
  readonly partsSent: number;
  /** Distinct part numbers with at least one failed attempt. */
  readonly partsFailed: number;
  /** Of those, parts a later attempt stored. */
  readonly partsRetried: number;
  /** Error codes of the failed requests, most frequent first. */
  readonly errorCodes: readonly string[];
  readonly failed: readonly MultipartEvent[];
  readonly completedMs: number | null;
  readonly abortedMs: number | null;
  /** Error codes of failed completion attempts. */
  readonly completionErrors: readonly string[];
  readonly fate: UploadFate;
}

export interface KeyEvaluation {
  readonly uploads: readonly Upload[];
  /** Failed multipart requests of no upload: a failed start, or a request without an upload id. */
  readonly strays: readonly MultipartEvent[];
}

/** A fate that is itself a failure to report, beyond the failed requests. */
export const FAILED_FATES: ReadonlySet<UploadFate> = new Set(['incomplete', 'aborted', 'completed-late']);
/** A fate no later evidence within the grace period can change. */
export const DECIDED_FATES: ReadonlySet<UploadFate> = new Set(['completed', 'completed-late', 'aborted', 'incomplete']);

const byTime = (a: MultipartEvent, b: MultipartEvent) =>
  a.ts - b.ts || (a.requestId < b.requestId ? -1 : a.requestId > b.requestId ? 1 : 0);

export const errorLabel = (e: MultipartEvent): string => e.errorCode ?? `HTTP ${e.httpStatus}`;

function rankCodes(events: readonly MultipartEvent[]): string[] {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(errorLabel(e), (counts.get(errorLabel(e)) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([code]) => code);
}

function partStats(events: readonly MultipartEvent[]): { sent: number; failed: number; retried: number } {
  const parts = new Map<string, { failedAt?: number; okAfterFailure: boolean }>();
  for (const e of events) {
    if (e.role !== 'part') continue;
    const id = e.partNumber !== null ? String(e.partNumber) : `request:${e.requestId}`;
    const p = parts.get(id) ?? { okAfterFailure: false };
    if (isFailure(e.httpStatus)) p.failedAt ??= e.ts;
    else if (isOk(e.httpStatus) && p.failedAt !== undefined) p.okAfterFailure = true;
    parts.set(id, p);
  }
  const all = [...parts.values()];
  return {
    sent: all.length,
    failed: all.filter((p) => p.failedAt !== undefined).length,
    retried: all.filter((p) => p.okAfterFailure).length,
  };
}

function fateOf(u: Omit<Upload, 'fate'>, nowMs: number): UploadFate {
  if (u.completedMs !== null) return u.deadlineMs !== null && u.completedMs > u.deadlineMs ? 'completed-late' : 'completed';
  if (u.abortedMs !== null) return 'aborted';
  if (u.deadlineMs === null) return 'untracked';
  return nowMs >= u.deadlineMs ? 'incomplete' : 'pending';
}

function build(
  init: MultipartEvent | null,
  uploadId: string | null,
  steps: readonly MultipartEvent[],
  graceMs: number,
  nowMs: number,
): Upload {
  const events = (init ? [init, ...steps] : [...steps]).sort(byTime);
  const failed = events.filter((e) => isFailure(e.httpStatus));
  const firstOk = (role: MultipartEvent['role']) => events.find((e) => e.role === role && isOk(e.httpStatus))?.ts ?? null;
  const parts = partStats(events);
  const startMs = init?.ts ?? events[0]!.ts;
  const partial = {
    bucket: events[0]!.bucket,
    key: events[0]!.key,
    uploadId,
    init,
    startMs,
    deadlineMs: init ? startMs + graceMs : null,
    events,
    partsSent: parts.sent,
    partsFailed: parts.failed,
    partsRetried: parts.retried,
    errorCodes: rankCodes(failed),
    failed,
    completedMs: firstOk('complete'),
    abortedMs: firstOk('abort'),
    completionErrors: rankCodes(failed.filter((e) => e.role === 'complete')),
  };
  return { ...partial, fate: fateOf(partial, nowMs) };
}

/**
 * Rebuilds the uploads of one object from its logged multipart requests and
 * judges each at `nowMs`. Pure.
 *
 * A start (`REST.POST.UPLOADS`) does not log the upload id it returns; the id
 * first shows in the upload's parts. Each upload id is therefore tied to the
 * latest start not yet tied that precedes its first request: a client that
 * started, gave up without sending a part and started again leaves the first
 * start alone, and that one is the upload that never completed.
 */
export function evaluateUploads(events: readonly MultipartEvent[], nowMs: number, graceMs: number): KeyEvaluation {
  const sorted = [...events].sort(byTime);
  const inits = sorted.filter((e) => e.role === 'init' && isOk(e.httpStatus));
  const strays = sorted.filter((e) => isFailure(e.httpStatus) && (e.role === 'init' || e.uploadId === null));
  const byUpload = new Map<string, MultipartEvent[]>();
  for (const e of sorted) {
    if (e.role === 'init' || e.uploadId === null) continue;
    const list = byUpload.get(e.uploadId);
    if (list) list.push(e);
    else byUpload.set(e.uploadId, [e]);
  }

  const unmatched = new Set(inits);
  const uploads: Upload[] = [];
  const ordered = [...byUpload.entries()].sort((a, b) => byTime(a[1][0]!, b[1][0]!));
  for (const [uploadId, steps] of ordered) {
    const first = steps[0]!.ts;
    let init: MultipartEvent | null = null;
    for (const candidate of unmatched) if (candidate.ts <= first) init = candidate;
    if (init) unmatched.delete(init);
    uploads.push(build(init, uploadId, steps, graceMs, nowMs));
  }
  for (const init of unmatched) uploads.push(build(init, null, [], graceMs, nowMs));
  uploads.sort((a, b) => a.startMs - b.startMs);
  return { uploads, strays };
}
