import type { FailureEntry } from '../../shared/capture/entry.ts';
import { buildReport, dayEntries, statusVariantsOf, type DigestReport, type HistoryDay, type ReportInput } from '../../shared/digest/report.ts';
import type { Completeness } from '../../shared/evidence/completeness.ts';
import { groupsOfEntries } from '../../shared/summary/model/day-group.ts';
import { rollupOf } from '../../shared/summary/model/day-rollup.ts';
import { addDays, type DayWindow } from '../../shared/time/report-day.ts';

/** A completeness judgement for report tests that are not about it. */
export const COMPLETE: Completeness = { complete: true, evidence: { kind: 'rebuilt', rebuiltMs: Date.parse('2026-11-26T06:00:00Z') } };

/** The report of a day's entries as the digest builds it from the index: its groups, its spellings of FAILED, no history unless given. */
export function reportOf(window: DayWindow, entries: readonly FailureEntry[], extra: Partial<ReportInput> = {}): DigestReport {
  const day = dayEntries(window, entries);
  return buildReport({
    window,
    source: 'summary',
    sourceNote: '',
    completeness: COMPLETE,
    groups: groupsOfEntries(day),
    unreadable: 0,
    statusVariants: statusVariantsOf(day),
    history: [],
    ...extra,
  });
}

/** The 7 days before `window`, oldest first, from each day's entries; null for a day not known. */
export function historyOf(window: DayWindow, days: readonly (readonly FailureEntry[] | null)[]): HistoryDay[] {
  return days.map((entries, i) => ({ date: addDays(window.date, i - days.length), rollup: entries === null ? null : rollupOf(groupsOfEntries(entries)) }));
}
