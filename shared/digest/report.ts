import type { FailureEntry } from '../capture/entry.ts';
import { errorLineOf } from '../signature/error-line.ts';
import type { Completeness } from '../evidence/completeness.ts';
import type { DayGroup } from '../summary/model/day-group.ts';
import type { DayWindow } from '../time/report-day.ts';
import { compareHistory, type HistoryDay } from './history.ts';
import { verdictOf } from './verdict.ts';

export type { HistoryDay } from './history.ts';
export type ReportSource = 'summary' | 'gsi';

/** A group of the day as the digest shows it: the day's aggregate and what the days before say of it. */
export interface ReportGroup extends DayGroup {
  /** Not seen on any of the 7 previous days (every one known), or first seen today by the signature registry. */
  readonly new: boolean;
  /** Seen in the 7 previous days, absent yesterday (which is known). */
  readonly back: boolean;
  /**
   * The line of the sample that names the error (a traceback's last line, a
   * stack trace's first): what the email shows, frames left out.
   */
  readonly error_line: string;
  /** The group's count on each of the 7 previous days, oldest first, then today's; null for a day not known. */
  readonly trend: readonly (number | null)[];
}


/**
 * Failures whose status was FAILED only once trimmed and case-folded
 * (`failed`, `"FAILED "`): the GSI cannot find them, so the writer needs fixing.
 */
export interface StatusVariants {
  readonly count: number;
  /** Each spelling once, most frequent first. */
  readonly values: readonly string[];
}

export interface DigestReport {
  readonly window: DayWindow;
  readonly source: ReportSource;
  /** Why this source was used, for the reader of the email. */
  readonly sourceNote: string;
  /** Whether the source holds every failure of the day, with the evidence or what is missing. */
  readonly completeness: Completeness;
  /** The day's failures: the groups' counts added up. */
  readonly count: number;
  readonly unreadable: number;
  /** Null when the source cannot see them: the GSI only holds status exactly FAILED. */
  readonly statusVariants: StatusVariants | null;
  /** Every group of the day, worst first (`worstFirst`). */
  readonly groups: readonly ReportGroup[];
  /** The previous day's total; null when that day is not known. */
  readonly previous_day_count: number | null;
  /** The average daily total over the known days of the 7 before; null when none is known. */
  readonly avg_7d: number | null;
  /** How many of the 7 previous days are known. */
  readonly history_days_known: number;
  /** The day's failures by source, most first. */
  readonly by_source: Readonly<Record<string, number>>;
  /** One line that says how the day went: what the email opens with. */
  readonly verdict: string;
}

export interface ReportInput {
  readonly window: DayWindow;
  readonly source: ReportSource;
  readonly sourceNote: string;
  readonly completeness: Completeness;
  /** The day's groups (from the summary's aggregates, or groupsOfEntries of the index's entries). */
  readonly groups: readonly DayGroup[];
  readonly unreadable: number;
  /** Computed by the caller while it streams the day's entries; null when the source cannot see them (GSI). */
  readonly statusVariants: StatusVariants | null;
  /** The 7 report days before this one, oldest first. */
  readonly history: readonly HistoryDay[];
  /** First-seen times from the signature registry, by groupIdentity; optional. */
  readonly firstSeen?: ReadonlyMap<string, number>;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Worst first: most failures first, since the count is the damage a reader
 * weighs and can compare with other days. A new group is not lifted above a
 * larger one (a single new failure is not worse than an outage of a known
 * error); it is marked and always shown instead. Ties: new, then back, then
 * the most recent failure, then by name, so the order is stable.
 */
export function worstFirst(a: ReportGroup, b: ReportGroup): number {
  return (
    b.count - a.count ||
    Number(b.new) - Number(a.new) ||
    Number(b.back) - Number(a.back) ||
    b.last_ts - a.last_ts ||
    byText(a.process, b.process) ||
    byText(a.signature, b.signature)
  );
}

/** The spellings of FAILED among a day's entries: what a caller streaming them keeps. Pure. */
export function statusVariantsOf(failures: Iterable<FailureEntry>): StatusVariants {
  const tally = new SpellingTally();
  for (const f of failures) tally.add(f.writtenStatus);
  return tally.variants();
}

/** Spellings of FAILED other than exactly FAILED, counted one failure at a time; most frequent first. */
export class SpellingTally {
  private readonly counts = new Map<string, number>();

  add(written: string | undefined): void {
    if (written !== undefined) this.counts.set(written, (this.counts.get(written) ?? 0) + 1);
  }

  variants(): StatusVariants {
    const values = [...this.counts.entries()].sort((a, b) => b[1] - a[1] || byText(a[0], b[0])).map(([v]) => v);
    return { count: [...this.counts.values()].reduce((n, c) => n + c, 0), values };
  }
}

function byTime(a: FailureEntry, b: FailureEntry): number {
  return a.event_ts - b.event_ts || byText(a.pk, b.pk);
}

/** The entries of the report day, each (pk, event_ts) once, oldest first: a redelivery is one failure. Pure. */
export function dayEntries(window: DayWindow, entries: readonly FailureEntry[]): FailureEntry[] {
  const seen = new Set<string>();
  return entries
    .filter((e) => e.event_ts >= window.start_ms && e.event_ts < window.end_ms)
    .filter((e) => {
      const id = `${e.pk}\u0000${e.event_ts}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    })
    .sort(byTime);
}

// Through a Map: a source named `__proto__` is a writer's text, not an object's prototype.
function bySource(groups: readonly DayGroup[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const g of groups) for (const [s, n] of Object.entries(g.source_counts)) counts.set(s, (counts.get(s) ?? 0) + n);
  return Object.fromEntries([...counts.entries()].sort((a, b) => b[1] - a[1] || byText(a[0], b[0])));
}

/** The day's groups, each with what the 7 days before say of it, worst first, and the day's totals. Pure. */
export function buildReport(input: ReportInput): DigestReport {
  const { window } = input;
  const day = input.groups.filter((g) => g.count > 0);
  const history = compareHistory(window, input.history, input.firstSeen);
  const groups = day.map((g): ReportGroup => ({ ...g, ...history.of(g), error_line: errorLineOf(g.sample, g.template) })).sort(worstFirst);
  const count = day.reduce((n, g) => n + g.count, 0);
  const totals = { count, previous_day_count: history.previousDayCount, avg_7d: history.average, history_days_known: history.daysKnown };
  return {
    window,
    source: input.source,
    sourceNote: input.sourceNote,
    completeness: input.completeness,
    count,
    unreadable: input.unreadable,
    statusVariants: input.source === 'gsi' ? null : input.statusVariants,
    groups,
    previous_day_count: totals.previous_day_count,
    avg_7d: totals.avg_7d,
    history_days_known: totals.history_days_known,
    by_source: bySource(day),
    verdict: verdictOf({ ...totals, groups }),
  };
}
