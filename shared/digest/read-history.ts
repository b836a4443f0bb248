import type { DayGroup } from '../summary/model/day-group.ts';
import type { DayState } from '../summary/model/day-state.ts';
import type { SummaryStore, ReadStats } from '../summary/store.ts';
import { addDays, dayWindow } from '../time/report-day.ts';

/** The days before a report day that its trends, averages and new/back marks are made of. */
export const HISTORY_DAYS = 7;

/** One earlier day: its groups, or null when none are known for it. */
export interface HistoryDay {
  readonly date: string;
  /** Null when no groups are known for the day (before capture kept them, and not rebuilt since). */
  readonly groups: readonly DayGroup[] | null;
}

/**
 * Whether a day's groups can be read as the day's failures. Capture keeps
 * them from `groupsSinceMs` on; a day before that has them only if it was
 * rebuilt since, which a rebuild after that instant did. Pure.
 */
export function groupsKnown(startMs: number, groupsSinceMs: number | undefined, state: DayState | undefined): boolean {
  if (groupsSinceMs === undefined) return false;
  return groupsSinceMs <= startMs || (state?.rebuiltMs !== undefined && state.rebuiltMs >= groupsSinceMs);
}

/** The HISTORY_DAYS days before `date`, oldest first: a few small reads per day, whatever the days held. */
export async function readHistory(store: SummaryStore, tz: string, date: string, stats?: ReadStats): Promise<HistoryDay[]> {
  const groupsSince = await store.getCoverage(tz, 'groups');
  const dates = Array.from({ length: HISTORY_DAYS }, (_, i) => addDays(date, i - HISTORY_DAYS));
  return Promise.all(
    dates.map(async (d) => {
      const known = groupsKnown(dayWindow(d, tz).start_ms, groupsSince, await store.getDayState(tz, d));
      return { date: d, groups: known ? await store.readGroups(tz, d, stats) : null };
    }),
  );
}
