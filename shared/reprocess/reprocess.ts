import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { queryFailedInWindow } from '../source/gsi.ts';
import type { SummaryStore } from '../summary/store.ts';
import { datesBetween, dayWindow, reportDayOf } from '../time/report-day.ts';

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
}

/**
 * Rebuilds one report day of the summary from the GSI. Writes are idempotent
 * (the consumer's keys), entries already captured from the stream are kept,
 * and the day is marked complete only after every write went through, so an
 * interrupted run leaves the day as it was and a rerun finishes it.
 */
export async function rebuildDay(deps: ReprocessDeps, date: string, tz: string): Promise<DayRebuild> {
  const window = dayWindow(date, tz);
  const read = await queryFailedInWindow(deps.dynamodb, deps.executionTable, deps.gsiName, window, deps.clock());
  await deps.store.putEntries(
    read.entries.map((entry) => ({ entry, day: reportDayOf(entry.event_ts, window.tz) })),
    window.tz,
    deps.clock(),
  );
  await deps.store.markRebuilt(window.tz, window.date, deps.clock());
  return { date: window.date, tz: window.tz, entries: read.entries.length, unreadable: read.unreadable.length };
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
