import type { DayWindow } from '../time/report-day.ts';

/**
 * How long after a day ends a read of the index is taken to hold all of it.
 * Writes dated in a day keep arriving after it ends: runs that stamp
 * `event_ts` when they start and write when they finish, writers' retries and
 * clocks, S3 access logs delivered late (usually minutes, at times hours),
 * and the ingester's verdict on an unfinished multipart upload, dated at the
 * upload's start and written once the 6 h grace period is over, by the hourly
 * sweep: up to 7 h. Eight hours covers that with an hour to spare, and is
 * as long as the digest itself waits by default (REPORT_AT 08:00 reports the
 * day before). A day rebuilt earlier is still written, only not vouched for;
 * rerunning reprocess later vouches for it.
 */
export const VOUCH_MARGIN_MS = 8 * 3_600_000;

/** The first instant a rebuild that starts then may mark the day complete. */
export function vouchableFromMs(window: Pick<DayWindow, 'end_ms'>): number {
  return window.end_ms + VOUCH_MARGIN_MS;
}

/** Why a rebuild that began reading at `startedMs` cannot vouch for the day, or undefined when it can. Pure. */
export function tooEarlyToVouch(window: Pick<DayWindow, 'end_ms'>, startedMs: number): string | undefined {
  const from = vouchableFromMs(window);
  if (startedMs >= from) return undefined;
  const iso = (ms: number) => new Date(ms).toISOString();
  return `the day ${startedMs < window.end_ms ? 'is not over' : 'has only just ended'}: it ends at ${iso(window.end_ms)}, and a rebuild vouches for it from ${iso(from)}, ${VOUCH_MARGIN_MS / 3_600_000} h later, once late writes are in; run reprocess again then`;
}
