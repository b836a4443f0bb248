import { describe, expect, it } from 'vitest';
import type { FailureEntry } from '../../shared/capture/entry.ts';
import { layoutOf, MAX_GROUPS_SHOWN, MAX_PROCESS_LINES, TOP_GROUPS } from '../../shared/digest/layout.ts';
import { dayWindow } from '../../shared/time/report-day.ts';
import { failureEntry } from '../support/failure-entry.ts';
import { historyOf, reportOf } from '../support/reports.ts';

const WINDOW = dayWindow('2026-11-25', 'UTC');
const DAY_MS = 86_400_000;

/** `n` failures of `process` with `message`, `daysBefore` the report day. */
const failures = (process: string, n: number, message = `${process} failed`, daysBefore = 0): FailureEntry[] =>
  Array.from({ length: n }, (_, i) => failureEntry({ pk: `${process}#${message}#${i}`, process, event_ts: WINDOW.start_ms - daysBefore * DAY_MS + 1_000 + i, message, source: 'execution-log' }));

/** Processes p000… with 1,000, 999, … failures: the first is the worst. */
const ranked = (n: number) => Array.from({ length: n }, (_, i) => failures(`p${String(i).padStart(3, '0')}`, 1_000 - i)).flat();

/** A week in which every process of `entries` failed once a day: nothing of them is new. */
const weekOf = (entries: FailureEntry[]) => {
  const processes = [...new Set(entries.map((e) => `${e.process}\u0000${e.message}`))].map((k) => k.split('\u0000') as [string, string]);
  return historyOf(WINDOW, Array.from({ length: 7 }, (_, d) => processes.flatMap(([p, m]) => failures(p, 1, m, 7 - d))));
};

describe('what the email shows of the groups', () => {
  it('shows the top groups, and every other process in one line with its count', () => {
    const day = ranked(14);
    const layout = layoutOf(reportOf(WINDOW, day, { history: weekOf(day) }).groups);
    expect(layout.shown.map((g) => g.process)).toEqual(Array.from({ length: TOP_GROUPS }, (_, i) => `p${String(i).padStart(3, '0')}`));
    expect(layout.processes).toEqual([
      { process: 'p010', count: 990, groups: 1, alsoShown: false },
      { process: 'p011', count: 989, groups: 1, alsoShown: false },
      { process: 'p012', count: 988, groups: 1, alsoShown: false },
      { process: 'p013', count: 987, groups: 1, alsoShown: false },
    ]);
    expect(layout.rest).toBeUndefined();
  });

  it('always shows a group new today, however small', () => {
    const known = ranked(12);
    const history = weekOf(known);
    const tiny = failures('brand-new', 1, 'ValueError: never seen');
    const layout = layoutOf(reportOf(WINDOW, [...known, ...tiny], { history }).groups);
    expect(layout.shown).toHaveLength(TOP_GROUPS + 1);
    expect(layout.shown.at(-1)).toMatchObject({ process: 'brand-new', count: 1, new: true });
    expect(layout.processes.map((p) => p.process)).toEqual(['p010', 'p011']);
  });

  it('adds up the hidden groups of one process, and says when another of its groups is shown', () => {
    const top = ranked(TOP_GROUPS);
    const more = [...failures('p000', 3, 'TypeError: other'), ...failures('p000', 2, 'RangeError: third'), ...failures('tail', 1)];
    const day = [...top, ...more];
    const layout = layoutOf(reportOf(WINDOW, day, { history: weekOf(day) }).groups);
    expect(layout.processes).toEqual([
      { process: 'p000', count: 5, groups: 2, alsoShown: true },
      { process: 'tail', count: 1, groups: 1, alsoShown: false },
    ]);
  });

  it('caps the groups shown however many are new, and counts the rest by process', () => {
    const fresh = Array.from({ length: MAX_GROUPS_SHOWN + 5 }, (_, i) => failures(`new-${String(i).padStart(2, '0')}`, 100 - i)).flat();
    const layout = layoutOf(reportOf(WINDOW, fresh, { history: historyOf(WINDOW, Array.from({ length: 7 }, () => [])) }).groups);
    expect(layout.shown).toHaveLength(MAX_GROUPS_SHOWN);
    expect(layout.shown.every((g) => g.new)).toBe(true);
    expect(layout.processes.map((p) => p.process)).toEqual(['new-50', 'new-51', 'new-52', 'new-53', 'new-54']);
  });

  it('lists at most MAX_PROCESS_LINES processes, then the rest with their failures in one line', () => {
    const many = Array.from({ length: TOP_GROUPS + MAX_PROCESS_LINES + 3 }, (_, i) => failures(`q${String(i).padStart(3, '0')}`, i < TOP_GROUPS + MAX_PROCESS_LINES ? 5 : 2)).flat();
    const layout = layoutOf(reportOf(WINDOW, many).groups);
    expect(layout.shown).toHaveLength(TOP_GROUPS);
    expect(layout.processes).toHaveLength(MAX_PROCESS_LINES);
    expect(layout.rest).toEqual({ processes: 3, failures: 6 });
    const shown = layout.shown.reduce((n, g) => n + g.count, 0) + layout.processes.reduce((n, p) => n + p.count, 0);
    expect(shown + layout.rest!.failures).toBe(many.length);
  });
});
