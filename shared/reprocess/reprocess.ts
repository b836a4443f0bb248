import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { queryFailedInWindow } from '../source/gsi.ts';
import type { SummaryStore } from '../summary/store.ts';
import { datesBetween, dayWindow, reportDayOf } from '../time/report-day.ts';
import { tooEarlyToVouch } from './vouch.ts';

export interface ReprocessDeps {
  readonly store: SummaryStore;
  readonly dynamodb: DynamoDBClient;
  readonly executionTable: string;
  readonly gsiName: string;
  readonly clock: () => number;
}

export interface DayRebuild {
  readonly date: string;
  readonly tz: string;
  readonly entries: number;
  readonly unreadable: number;
  /** Whether the day is now marked complete, so the digest reads its summary. */
  readonly complete: boolean;
  /** Why it is not, when it is not. */
  readonly why?: string;
}

/**
 * Rebuilds one report day of the summary from the GSI, then recounts its
 * day groups from the stored entries. Writes are idempotent
 * (the consumer's keys), and the day is marked complete only after every
 * write went through, so an interrupted run leaves the day as it was and a
 * rerun finishes it. It is marked complete only when the read began well
 * after the day ended (vouch.ts), and not over an incomplete mark made while
 * the rebuild ran; otherwise the entries are written and the day's state is
 * left alone.
 */
export async function rebuildDay(deps: ReprocessDeps, date: string, tz: string): Promise<DayRebuild> {
  const window = dayWindow(date, tz);
  const startedMs = deps.clock();
  const before = await deps.store.getDayState(window.tz, window.date);
  const read = await queryFailedInWindow(deps.dynamodb, deps.executionTable, deps.gsiName, window, startedMs);
  await deps.store.putEntries(
    read.entries.map((entry) => ({ entry, day: reportDayOf(entry.event_ts, window.tz) })),
    window.tz,
    deps.clock(),
  );
  // After the entries: the groups are counted from what is stored, captured entries included.
  await deps.store.rebuildGroups(window.tz, window.date, deps.clock(), read.entries);
  const done = { date: window.date, tz: window.tz, entries: read.entries.length, unreadable: read.unreadable.length };
  const early = tooEarlyToVouch(window, startedMs);
  if (early) return { ...done, complete: false, why: early };
  if (await deps.store.markRebuilt(window.tz, window.date, deps.clock(), before?.incompleteMs)) return { ...done, complete: true };
  const after = await deps.store.getDayState(window.tz, window.date);
  const why = after?.incomplete
    ? `the day was marked incomplete while the rebuild ran (${after.reason ?? 'records were lost'}); run reprocess again`
    : "the day's state changed while the rebuild ran (another rebuild?); run reprocess again";
  return { ...done, complete: false, why };
}

export async function rebuildRange(
  deps: ReprocessDeps,
  from: string,
  to: string,
  tz: string,
  onDay?: (done: DayRebuild, index: number, total: number) => Promise<void> | void,
): Promise<DayRebuild[]> {
  const dates = datesBetween(from, to);
  const out: DayRebuild[] = [];
  for (const [i, date] of dates.entries()) {
    const rebuilt = await rebuildDay(deps, date, tz);
    out.push(rebuilt);
    await onDay?.(rebuilt, i + 1, dates.length);
  }
  return out;
}
