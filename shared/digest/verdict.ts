import { HISTORY_DAYS } from './history.ts';
import { decimal, plural } from './words.ts';

export interface VerdictInput {
  readonly count: number;
  readonly groups: readonly { readonly process: string; readonly new: boolean; readonly back: boolean }[];
  readonly previous_day_count: number | null;
  readonly avg_7d: number | null;
  readonly history_days_known: number;
}

/** Within this factor of the average either way, a day is "about the same". */
const SAME_WITHIN = 1.25;
/** From this factor up, a rise is said as a multiple (`up 4x`), below it as a percentage. */
const MULTIPLE_FROM = 2;

/** `7-day average`, or `3-day average` when only 3 of the previous days are known. */
const averageName = (days: number) => `${Math.min(days, HISTORY_DAYS)}-day average`;

/** The day's total against the average of the known previous days. */
function comparison(count: number, avg: number | null, days: number): string {
  if (avg === null || days === 0) return 'no earlier days to compare with';
  const name = averageName(days);
  if (avg === 0) return count === 0 ? `none on the previous ${plural(days, 'day')} either` : `none on the previous ${plural(days, 'day')}`;
  const ratio = count / avg;
  if (ratio >= MULTIPLE_FROM) return `up ${decimal(ratio)}x on the ${name}`;
  if (ratio >= SAME_WITHIN) return `up ${Math.round((ratio - 1) * 100)}% on the ${name}`;
  if (ratio > 1 / SAME_WITHIN) return `about the ${name}`;
  if (count === 0) return `the ${name} is ${decimal(avg)}`;
  return `down ${Math.round((1 - ratio) * 100)}% on the ${name}`;
}

/**
 * One line that says how the day went, e.g. `312 failures in 9 processes;
 * 2 new errors; 1 back; up 4x on the 7-day average`. An error is a group
 * (one process, one signature); "back" is one seen in the week, absent yesterday.
 */
export function verdictOf(r: VerdictInput): string {
  const against = comparison(r.count, r.avg_7d, r.history_days_known);
  if (r.count === 0) return `No failures; ${against}`;
  const processes = new Set(r.groups.map((g) => g.process)).size;
  const fresh = r.groups.filter((g) => g.new).length;
  const back = r.groups.filter((g) => g.back).length;
  return [
    `${plural(r.count, 'failure')} in ${plural(processes, 'process', 'processes')}`,
    ...(fresh > 0 ? [plural(fresh, 'new error')] : []),
    ...(back > 0 ? [`${back.toLocaleString('en-US')} back`] : []),
    against,
  ].join('; ');
}
