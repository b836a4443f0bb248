import { describe, expect, it } from 'vitest';
import type { FailureEntry } from '../../shared/capture/entry.ts';
import { buildReport, dayEntries, statusVariantsOf, worstFirst } from '../../shared/digest/report.ts';
import { groupIdentity, groupsOfEntries } from '../../shared/summary/model/day-group.ts';
import { rollupOf } from '../../shared/summary/model/day-rollup.ts';
import type { DayWindow } from '../../shared/time/report-day.ts';
import { failureEntry } from '../support/failure-entry.ts';
import { COMPLETE, historyOf, reportOf } from '../support/reports.ts';

// Europe/Paris 2026-11-25 (CET, +01:00): [2026-11-24T23:00Z, 2026-11-25T23:00Z).
const WINDOW: DayWindow = {
  date: '2026-11-25',
  tz: 'Europe/Paris',
  start_ms: Date.parse('2026-11-24T23:00:00Z'),
  end_ms: Date.parse('2026-11-25T23:00:00Z'),
};
const DAY_MS = 86_400_000;

function entry(process: string, pk: string, iso: string, message = `${pk} failed`, source = 'execution-log'): FailureEntry {
  return failureEntry({ pk, process, event_ts: Date.parse(iso), message, source });
}

const report = (entries: FailureEntry[], extra = {}) => reportOf(WINDOW, entries, extra);

/** `n` failures of one error on a day `daysBefore` before the report day. */
const failures = (process: string, message: string, n: number, daysBefore = 0) =>
  Array.from({ length: n }, (_, i) => entry(process, `${process}#${message}#${daysBefore}-${i}`, new Date(WINDOW.start_ms + 3_600_000 + i * 1_000 - daysBefore * DAY_MS).toISOString(), message));

describe('buildReport', () => {
  it('shows each group of the day with count, times, latest pk and sample, most failures first', () => {
    const r = report([
      entry('sync', 'sync#2', '2026-11-25T12:00:00Z', 'timeout'),
      entry('export', 'export#3', '2026-11-25T20:00:00Z', 'disk full'),
      entry('billing', 'billing#1', '2026-11-25T06:00:00Z', 'card declined'),
      entry('export', 'export#1', '2026-11-25T01:00:00Z', 'disk full'),
      entry('sync', 'sync#1', '2026-11-25T10:00:00Z', 'timeout'),
      entry('export', 'export#2', '2026-11-25T09:00:00Z', 'disk full'),
    ]);
    expect(r.count).toBe(6);
    expect(r.groups.map((g) => [g.process, g.count])).toEqual([
      ['export', 3],
      ['sync', 2],
      ['billing', 1],
    ]);
    expect(r.groups[0]).toMatchObject({
      process: 'export',
      template: 'disk full',
      count: 3,
      first_ts: Date.parse('2026-11-25T01:00:00Z'),
      last_ts: Date.parse('2026-11-25T20:00:00Z'),
      latest_pk: 'export#3',
      sample: 'disk full',
      error_line: 'disk full',
      sources: ['execution-log'],
      new: false,
      back: false,
      trend: [null, null, null, null, null, null, null, 3],
    });
    expect(r.groups[2]?.first_ts).toBe(r.groups[2]?.last_ts);
  });

  it('keeps two errors of one process apart', () => {
    const r = report([...failures('etl', 'KeyError: a', 2), ...failures('etl', 'TimeoutError: after 30 s', 1).map((e) => ({ ...e, pk: 'etl#t' }))]);
    expect(r.groups.map((g) => [g.process, g.template, g.count])).toEqual([
      ['etl', 'KeyError: a', 2],
      ['etl', 'TimeoutError: after <duration>', 1],
    ]);
    expect(r.verdict).toMatch(/^3 failures in 1 process;/);
  });

  it('is built from the groups alone: the count is theirs, not a list of failures', () => {
    const groups = groupsOfEntries(failures('p', 'boom', 3));
    const r = buildReport({ window: WINDOW, source: 'summary', sourceNote: '', completeness: COMPLETE, groups: [{ ...groups[0]!, count: 4_000 }], unreadable: 0, statusVariants: null, history: [] });
    expect(r.count).toBe(4_000);
    expect(r).not.toHaveProperty('failures');
  });

  it('breaks a tie in count by the most recent failure, then by name', () => {
    const r = report([
      entry('alpha', 'alpha#1', '2026-11-25T05:00:00Z'),
      entry('beta', 'beta#1', '2026-11-25T07:00:00Z'),
      entry('gamma', 'gamma#1', '2026-11-25T05:00:00Z'),
    ]);
    expect(r.groups.map((g) => g.process)).toEqual(['beta', 'alpha', 'gamma']);
  });

  it('puts a larger known group above a smaller new one, and a new one first among equals', () => {
    const history = historyOf(WINDOW, Array.from({ length: 7 }, (_, d) => failures('known', 'old error', 1, 7 - d)));
    const r = report([...failures('known', 'old error', 5), ...failures('fresh', 'new error', 2), ...failures('tie', 'tie error', 2)], { history });
    expect(r.groups.map((g) => [g.process, g.new])).toEqual([
      ['known', false],
      ['fresh', true],
      ['tie', true],
    ]);
    const a = { ...r.groups[1]!, new: false };
    expect(worstFirst(a, r.groups[2]!)).toBeGreaterThan(0);
  });

  it('collects the distinct sources of a group and counts the day by source', () => {
    const r = report([
      entry('p', 'p#1', '2026-11-25T01:00:00Z', 'm', 'reprocess'),
      entry('p', 'p#2', '2026-11-25T02:00:00Z', 'm', 'execution-log'),
      entry('p', 'p#3', '2026-11-25T03:00:00Z', 'm', 'reprocess'),
      entry('s3://b/k', 's3://b/k#1', '2026-11-25T03:00:00Z', 'm', 's3-access-log'),
    ]);
    expect(r.groups[0]?.sources).toEqual(['execution-log', 'reprocess']);
    expect(r.by_source).toEqual({ reprocess: 2, 'execution-log': 1, 's3-access-log': 1 });
    expect(Object.keys(r.by_source)).toEqual(['reprocess', 'execution-log', 's3-access-log']);
  });

  it('counts a source named like an object key as data, not as a prototype', () => {
    const r = report([entry('p', 'p#1', '2026-11-25T01:00:00Z', 'm', '__proto__'), entry('p', 'p#2', '2026-11-25T02:00:00Z', 'm', 'constructor')]);
    expect(Object.entries(r.by_source)).toEqual([
      ['__proto__', 1],
      ['constructor', 1],
    ]);
    expect(Object.getPrototypeOf(r.by_source)).toBe(Object.prototype);
  });

  it('passes window, source, note, completeness and unreadable count through', () => {
    const r = report([], { source: 'gsi', sourceNote: 'why', unreadable: 4 });
    expect(r).toEqual({
      window: WINDOW,
      source: 'gsi',
      sourceNote: 'why',
      completeness: COMPLETE,
      count: 0,
      unreadable: 4,
      statusVariants: null,
      groups: [],
      previous_day_count: null,
      avg_7d: null,
      history_days_known: 0,
      by_source: {},
      verdict: 'No failures; no earlier days to compare with',
    });
  });

  it('shows the template for a traceback cut before its error line, and the error line otherwise', () => {
    const cut = failureEntry({ pk: 'etl#1', process: 'etl', event_ts: WINDOW.start_ms + 1, source: 'execution-log', message: 'Traceback (most recent call last):\n  File "a.py", line 1', template: 'KeyError: <quoted>' });
    expect(report([cut]).groups[0]?.error_line).toBe('KeyError: <quoted>');
    const midLine = failureEntry({ ...cut, message: 'Traceback (most recent call last):\n  File "a.py", line 1\nbotocore.exceptio…', template: 'botocore.exceptions.ClientError: <quoted>' });
    expect(report([midLine]).groups[0]?.error_line).toBe('botocore.exceptions.ClientError: <quoted>');
    const node = failureEntry({ ...cut, message: 'Error: boom\n    at main (index.js:1:1)', template: 'Error: boom' });
    expect(report([node]).groups[0]?.error_line).toBe('Error: boom');
  });
});

describe('the entries of a day, for a caller that reads them', () => {
  it('keeps each (pk, event_ts) once, only inside the half-open window, oldest first', () => {
    const day = dayEntries(WINDOW, [
      entry('p', 'before', '2026-11-24T22:59:59.999Z'),
      entry('p', 'last', '2026-11-25T22:59:59.999Z'),
      entry('p', 'first', '2026-11-24T23:00:00.000Z'),
      entry('p', 'first', '2026-11-24T23:00:00.000Z', 'redelivery'),
      entry('p', 'first', '2026-11-24T23:00:00.001Z'),
      entry('p', 'after', '2026-11-25T23:00:00.000Z'),
    ]);
    expect(day.map((e) => [e.pk, e.event_ts - WINDOW.start_ms])).toEqual([
      ['first', 0],
      ['first', 1],
      ['last', DAY_MS - 1],
    ]);
  });

  it('counts the failures written with FAILED misspelt, each spelling once, most frequent first', () => {
    const spelt = (pk: string, writtenStatus?: string): FailureEntry => ({ ...entry('p', pk, '2026-11-25T01:00:00Z'), ...(writtenStatus === undefined ? {} : { writtenStatus }) });
    expect(statusVariantsOf([spelt('p#1', 'FAILED '), spelt('p#2', 'failed'), spelt('p#3', 'failed'), spelt('p#4')])).toEqual({ count: 3, values: ['failed', 'FAILED '] });
    expect(statusVariantsOf([spelt('p#1')])).toEqual({ count: 0, values: [] });
    // The caller's count is the report's; the index cannot see spellings at all.
    expect(report([spelt('p#1', 'failed')]).statusVariants).toEqual({ count: 1, values: ['failed'] });
    expect(report([spelt('p#1', 'failed')], { source: 'gsi' }).statusVariants).toBeNull();
  });
});

describe('history: new, back, trend and the totals', () => {
  const week = (days: (FailureEntry[] | null)[]) => historyOf(WINDOW, days);
  const quietWeek = (n = 1) => Array.from({ length: 7 }, (_, d) => failures('steady', 'steady error', n, 7 - d));

  it('gives each group its count on each of the 7 days, then today, null where a day is not known', () => {
    const days: (FailureEntry[] | null)[] = quietWeek();
    days[1] = null;
    days[3] = [...failures('steady', 'steady error', 4, 4), ...failures('other', 'x', 9, 4)];
    const r = report(failures('steady', 'steady error', 6), { history: week(days) });
    expect(r.groups[0]?.trend).toEqual([1, null, 1, 4, 1, 1, 1, 6]);
    expect(r.history_days_known).toBe(6);
    expect(r.previous_day_count).toBe(1);
    expect(r.avg_7d).toBe((1 + 1 + 13 + 1 + 1 + 1) / 6);
  });

  it('matches days by date: a day given out of place or out of range is not taken for another', () => {
    const history = week(quietWeek(2));
    const shuffled = [history[6]!, ...history.slice(0, 6).reverse(), { date: '2026-11-10', rollup: rollupOf(groupsOfEntries(failures('steady', 'steady error', 50, 15))) }];
    const r = report(failures('steady', 'steady error', 2), { history: shuffled });
    expect(r.groups[0]?.trend).toEqual([2, 2, 2, 2, 2, 2, 2, 2]);
    expect(r.avg_7d).toBe(2);
  });

  it('marks a group new when none of the 7 known days had it', () => {
    const r = report([...failures('steady', 'steady error', 1), ...failures('steady', 'ValueError: fresh', 1)], { history: week(quietWeek()) });
    expect(r.groups.map((g) => [g.template, g.new])).toEqual([
      ['ValueError: fresh', true],
      ['steady error', false],
    ]);
  });

  it('does not call a group new while a day of the week is unknown, unless the registry first saw it today', () => {
    const days: (FailureEntry[] | null)[] = quietWeek();
    days[0] = null;
    const fresh = failures('steady', 'ValueError: fresh', 1);
    expect(report(fresh, { history: week(days) }).groups[0]?.new).toBe(false);
    const id = groupIdentity(groupsOfEntries(fresh)[0]!);
    expect(report(fresh, { history: week(days), firstSeen: new Map([[id, WINDOW.start_ms + 5]]) }).groups[0]?.new).toBe(true);
    expect(report(fresh, { history: [], firstSeen: new Map([[id, WINDOW.start_ms]]) }).groups[0]?.new).toBe(true);
    // First seen three days ago: seen in the week, whatever the days held.
    expect(report(fresh, { history: week(quietWeek()), firstSeen: new Map([[id, WINDOW.start_ms - 3 * DAY_MS]]) }).groups[0]?.new).toBe(false);
  });

  it('marks a group back when an earlier day of the week had it and yesterday did not', () => {
    const days: (FailureEntry[] | null)[] = quietWeek();
    days[2] = [...days[2]!, ...failures('flaky', 'flaky error', 3, 5)];
    const r = report([...failures('steady', 'steady error', 1), ...failures('flaky', 'flaky error', 2)], { history: week(days) });
    const flaky = r.groups.find((g) => g.process === 'flaky')!;
    expect(flaky).toMatchObject({ new: false, back: true, trend: [0, 0, 3, 0, 0, 0, 0, 2] });
    expect(r.groups.find((g) => g.process === 'steady')?.back).toBe(false);
    // Yesterday not known: it cannot be said to be absent.
    days[6] = null;
    expect(report(failures('flaky', 'flaky error', 2), { history: week(days) }).groups[0]?.back).toBe(false);
  });

  it('has no totals to compare with when no day is known', () => {
    const r = report(failures('p', 'boom', 2), { history: week([null, null, null, null, null, null, null]) });
    expect(r).toMatchObject({ previous_day_count: null, avg_7d: null, history_days_known: 0 });
    expect(r.groups[0]?.trend).toEqual([null, null, null, null, null, null, null, 2]);
  });
});
