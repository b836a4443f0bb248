import type { DayState } from '../summary/model/day-state.ts';
import { rollupOf } from '../summary/model/day-rollup.ts';
import type { SummaryStore, ReadStats } from '../summary/store.ts';
import { addDays, dayWindow } from '../time/report-day.ts';
import { vouchableFromMs } from '../reprocess/vouch.ts';
import { HISTORY_DAYS, type HistoryDay } from './history.ts';

/**
 * Whether a day's groups can be read as the day's failures. Capture keeps
 * them from `groupsSinceMs` on; a day before that has them only if it was
 * rebuilt since, which a rebuild after that instant did. Pure.
 */
export function groupsKnown(startMs: number, groupsSinceMs: number | undefined, state: DayState | undefined): boolean {
  if (groupsSinceMs === undefined) return false;
  return groupsSinceMs <= startMs || (state?.rebuiltMs !== undefined && state.rebuiltMs >= groupsSinceMs);
}

export async function groupsKnownFor(store: SummaryStore, tz: string, date: string): Promise<boolean> {
  const [since, state] = await Promise.all([store.getCoverage(tz, 'groups'), store.getDayState(tz, date)]);
  return groupsKnown(dayWindow(date, tz).start_ms, since, state);
}

/**
 * The HISTORY_DAYS days before `date`, oldest first. A day's rollup is one
 * small read; a day without one, whose groups are known, is added up from
 * its groups, and its rollup kept once late writes are in (vouch.ts), so
 * the next digests read it in one. A day with neither is not known.
 */
export async function readHistory(store: SummaryStore, tz: string, date: string, nowMs: number, stats?: ReadStats): Promise<HistoryDay[]> {
  const dates = Array.from({ length: HISTORY_DAYS }, (_, i) => addDays(date, i - HISTORY_DAYS));
  const [rollups, groupsSince] = await Promise.all([store.getRollups(tz, dates), store.getCoverage(tz, 'groups')]);
  return Promise.all(
    dates.map(async (d): Promise<HistoryDay> => {
      const kept = rollups.get(d);
      if (kept) return { date: d, rollup: kept };
      const window = dayWindow(d, tz);
      if (!groupsKnown(window.start_ms, groupsSince, await store.getDayState(tz, d))) return { date: d, rollup: null };
      const rollup = rollupOf(await store.readGroups(tz, d, stats));
      if (nowMs >= vouchableFromMs(window)) await store.putRollup(tz, d, rollup, nowMs);
      return { date: d, rollup };
    }),
  );
}
