import { groupIdentity, type DayGroup } from '../summary/model/day-group.ts';
import { rollupKeyOf, type DayRollup } from '../summary/model/day-rollup.ts';
import { addDays, type DayWindow } from '../time/report-day.ts';

/** How many report days before this one the digest compares it with. */
export const HISTORY_DAYS = 7;
const DAY_MS = 24 * 3_600_000;

export interface HistoryDay {
  readonly date: string;
  /** The day's total and counts by group; null when no groups are known for it (before capture kept them, not rebuilt). */
  readonly rollup: DayRollup | null;
}

/** What the previous days say of one group of today. */
export interface GroupHistory {
  readonly new: boolean;
  readonly back: boolean;
  readonly trend: readonly (number | null)[];
}

export interface HistoryComparison {
  /** How many of the HISTORY_DAYS previous days are known. */
  readonly daysKnown: number;
  readonly previousDayCount: number | null;
  readonly average: number | null;
  of(group: DayGroup): GroupHistory;
}

/** A known day: its counts by rollupKeyOf, and its total. */
type KnownDay = DayRollup;

/**
 * The HISTORY_DAYS dates before `date`, oldest first, each with its groups
 * when known. Days are matched by date, not by position, so a missing or
 * misplaced day of the input is unknown rather than taken for another.
 */
function previousDays(date: string, history: readonly HistoryDay[]): (KnownDay | null)[] {
  const given = new Map(history.map((d) => [d.date, d.rollup]));
  return Array.from({ length: HISTORY_DAYS }, (_, i) => given.get(addDays(date, i - HISTORY_DAYS)) ?? null);
}

/**
 * Compares today with the days before. A group is `new` only when that is
 * known: each of the previous days is known and none has it, or the
 * signature registry first saw it today. With a day unknown, a weekly job's
 * error could be taken for new, and a new mark always gets a group shown.
 * A registry time within the 7 days says it was seen then (not new).
 * `back` needs yesterday known, without the group, and an earlier day with it.
 */
export function compareHistory(window: DayWindow, history: readonly HistoryDay[], firstSeen?: ReadonlyMap<string, number>): HistoryComparison {
  const days = previousDays(window.date, history);
  const known = days.filter((d): d is KnownDay => d !== null);
  const yesterday = days.at(-1) ?? null;
  return {
    daysKnown: known.length,
    previousDayCount: yesterday?.total ?? null,
    average: known.length === 0 ? null : known.reduce((n, d) => n + d.total, 0) / known.length,
    of(group) {
      const id = rollupKeyOf(group);
      const trend = [...days.map((d) => (d === null ? null : (d.counts.get(id) ?? 0))), group.count];
      const seenBefore = known.some((d) => d.counts.has(id));
      const first = firstSeen?.get(groupIdentity(group));
      const registryNew = first !== undefined && first >= window.start_ms;
      const registrySeen = first !== undefined && first < window.start_ms && first >= window.start_ms - HISTORY_DAYS * DAY_MS;
      const isNew = !seenBefore && !registrySeen && (registryNew || known.length === HISTORY_DAYS);
      const back = yesterday !== null && !yesterday.counts.has(id) && seenBefore;
      return { new: isNew, back, trend };
    },
  };
}
