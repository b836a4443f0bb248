import { addDays, datesBetween, reportDayOf } from '../time/report-day.ts';
import type { OnFailureRecord } from './on-failure-record.ts';

/** How far ahead of the stream a writer's clock may run: its event then seems to come after its write. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** DynamoDB Streams keeps a record 24 hours: no record the mapping read can be older. */
export const STREAM_RETENTION_MS = 24 * 3_600_000;

/** When the records of a range arrived in the stream, as far as the on-failure record says. */
export interface ArrivalWindow {
  readonly firstMs: number;
  readonly lastMs: number;
}

/**
 * The arrival times of a range. The local mapping writes "" for a record
 * without one; then the range arrived at most the stream's retention before
 * it was discarded.
 */
export function arrivalWindow(failure: OnFailureRecord): ArrivalWindow {
  const info = failure.DDBStreamBatchInfo;
  // The parser made sure the timestamp is a time.
  const discardedMs = Date.parse(failure.timestamp);
  const first = Date.parse(info.approximateArrivalOfFirstRecord);
  const last = Date.parse(info.approximateArrivalOfLastRecord);
  const lastMs = Number.isFinite(last) ? last : discardedMs;
  const firstMs = Number.isFinite(first) ? first : lastMs - STREAM_RETENTION_MS;
  return firstMs <= lastMs ? { firstMs, lastMs } : { firstMs: lastMs, lastMs: firstMs };
}

/**
 * The report days a lost range may have held failures of, to be marked
 * incomplete. Without the records their `event_ts` is unknown, so this errs
 * towards too many days: a marked day only costs a GSI query, a missed one
 * sends a digest that leaves failures out. Writers log a run when it ends, so
 * an event comes before its write: every day the range arrived on, and the
 * day before the first (a run that failed before midnight and logged after
 * it). A writer whose clock runs a little fast is allowed for at the end. A
 * run that logs its failure more than a day after its `event_ts` is not
 * covered; `failure-digest reprocess` rebuilds any range of days.
 */
export function daysToMark(window: ArrivalWindow, tz: string): string[] {
  const from = addDays(reportDayOf(window.firstMs, tz), -1);
  const to = reportDayOf(window.lastMs + CLOCK_SKEW_MS, tz);
  return datesBetween(from, to);
}
