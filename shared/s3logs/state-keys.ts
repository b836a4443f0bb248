import { createHash } from 'node:crypto';

/**
 * Key builders of the upload state kept in the summary table: pure functions
 * of the domain values, like the summary's own keys. The prefixes never meet
 * the digest's (`DAY#`, `UNREADABLE#`, `COVERAGE#`, `DAYSTATE#`, `SENT#`).
 */
const EVENTS_PREFIX = 'S3MPU#';
const STARTS_PREFIX = 'S3MPU-START#';
// Partition keys take 2048 bytes; a URL-encoded S3 key can take more.
const MAX_PK_BYTES = 1024;

const iso = (ms: number) => new Date(ms).toISOString();

/** All logged multipart requests of one object: one partition, sorted by time. */
export function uploadEventsKey(bucket: string, loggedKey: string): string {
  const pk = `${EVENTS_PREFIX}${bucket}#${loggedKey}`;
  if (Buffer.byteLength(pk) <= MAX_PK_BYTES) return pk;
  return `${EVENTS_PREFIX}${bucket}#sha256:${createHash('sha256').update(loggedKey).digest('hex')}`;
}

/** Request ids are unique; the time first makes a partition read back oldest first. */
export function uploadEventSortKey(ts: number, requestId: string): string {
  return `${iso(ts)}#${requestId}`;
}

/** The lower bound of sort keys at or after `ms`. */
export function sortKeyFrom(ms: number): string {
  return iso(ms);
}

/** The upper bound of sort keys at or before `ms` (any request id sorts below it). */
export function sortKeyUntil(ms: number): string {
  return `${iso(ms)}#\uffff`;
}

/**
 * Upload starts by UTC day of the start: what the sweep reads to find uploads
 * whose grace period has run out without anyone looking at them again.
 */
export function uploadStartsKey(startMs: number): string {
  return `${STARTS_PREFIX}${iso(startMs).slice(0, 10)}`;
}

/** Every starts partition from the day of `fromMs` to the day of `toMs`. */
export function uploadStartsKeys(fromMs: number, toMs: number): string[] {
  const keys: string[] = [];
  const first = Date.parse(`${iso(fromMs).slice(0, 10)}T00:00:00Z`);
  for (let day = first; day <= toMs; day += 86_400_000) keys.push(uploadStartsKey(day));
  return keys;
}
