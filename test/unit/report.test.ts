import { COMPLETE } from '../support/reports.ts';
import { describe, expect, it } from 'vitest';
import type { FailureEntry } from '../../shared/capture/entry.ts';
import { buildReport, type ReportInput } from '../../shared/digest/report.ts';
import type { DayWindow } from '../../shared/time/report-day.ts';
import { failureEntry } from '../support/failure-entry.ts';

// Europe/Paris 2026-11-25 (CET, +01:00): [2026-11-24T23:00Z, 2026-11-25T23:00Z).
const WINDOW: DayWindow = {
  date: '2026-11-25',
  tz: 'Europe/Paris',
  start_ms: Date.parse('2026-11-24T23:00:00Z'),
  end_ms: Date.parse('2026-11-25T23:00:00Z'),
};

function entry(process: string, pk: string, iso: string, message = `${pk} failed`, source = 'execution-log'): FailureEntry {
  return failureEntry({ pk, process, event_ts: Date.parse(iso), message, source });
}

function report(entries: FailureEntry[], extra: Partial<ReportInput> = {}) {
  return buildReport({ window: WINDOW, source: 'summary', sourceNote: '', completeness: COMPLETE, entries, unreadable: 0, ...extra });
}

describe('buildReport', () => {
  it('groups by process with count, first/last time and the latest message and pk, most failures first', () => {
    const r = report([
      entry('sync', 'sync#2', '2026-11-25T12:00:00Z', 'timeout'),
      entry('export', 'export#3', '2026-11-25T20:00:00Z', 'disk full again'),
      entry('billing', 'billing#1', '2026-11-25T06:00:00Z', 'card declined'),
      entry('export', 'export#1', '2026-11-25T01:00:00Z', 'disk full'),
      entry('sync', 'sync#1', '2026-11-25T10:00:00Z', 'refused'),
      entry('export', 'export#2', '2026-11-25T09:00:00Z', 'quota'),
    ]);
    expect(r.count).toBe(6);
    expect(r.groups.map((g) => [g.process, g.count])).toEqual([
      ['export', 3],
      ['sync', 2],
      ['billing', 1],
    ]);
    expect(r.groups[0]).toEqual({
      process: 'export',
      count: 3,
      first_ts: Date.parse('2026-11-25T01:00:00Z'),
      last_ts: Date.parse('2026-11-25T20:00:00Z'),
      latest_pk: 'export#3',
      latest_message: 'disk full again',
      latest_error: 'disk full again',
      sources: ['execution-log'],
    });
    expect(r.groups[1]?.latest_message).toBe('timeout');
    expect(r.groups[2]?.first_ts).toBe(r.groups[2]?.last_ts);
  });

  it('lists every failure once, oldest first', () => {
    const r = report([
      entry('b', 'b#1', '2026-11-25T15:00:00Z'),
      entry('a', 'a#1', '2026-11-25T03:00:00Z'),
      entry('c', 'c#1', '2026-11-25T09:00:00Z'),
    ]);
    expect(r.failures.map((f) => f.pk)).toEqual(['a#1', 'c#1', 'b#1']);
  });

  it('counts the same (pk, event_ts) once, however often it was delivered', () => {
    const r = report([
      entry('export', 'export#1', '2026-11-25T01:00:00Z', 'first delivery'),
      entry('export', 'export#1', '2026-11-25T01:00:00Z', 'redelivery'),
      entry('export', 'export#1', '2026-11-25T01:00:00Z', 'third'),
    ]);
    expect(r.count).toBe(1);
    expect(r.failures).toHaveLength(1);
    expect(r.groups[0]?.count).toBe(1);
  });

  it('keeps the same pk at another time, and another pk at the same time', () => {
    const r = report([
      entry('export', 'export#1', '2026-11-25T01:00:00Z'),
      entry('export', 'export#1', '2026-11-25T01:00:00.001Z'),
      entry('export', 'export#2', '2026-11-25T01:00:00Z'),
    ]);
    expect(r.count).toBe(3);
    expect(r.groups[0]?.count).toBe(3);
  });

  it('drops entries outside the half-open window', () => {
    const r = report([
      entry('p', 'before', '2026-11-24T22:59:59.999Z'),
      entry('p', 'first', '2026-11-24T23:00:00.000Z'),
      entry('p', 'last', '2026-11-25T22:59:59.999Z'),
      entry('p', 'after', '2026-11-25T23:00:00.000Z'),
      entry('q', 'days-later', '2026-11-28T10:00:00Z'),
    ]);
    expect(r.failures.map((f) => f.pk)).toEqual(['first', 'last']);
    expect(r.groups.map((g) => g.process)).toEqual(['p']);
    expect(r.count).toBe(2);
  });

  it('breaks a tie in count by the most recent failure, then by name', () => {
    const r = report([
      entry('alpha', 'alpha#1', '2026-11-25T05:00:00Z'),
      entry('beta', 'beta#1', '2026-11-25T07:00:00Z'),
      entry('gamma', 'gamma#1', '2026-11-25T05:00:00Z'),
    ]);
    expect(r.groups.map((g) => g.process)).toEqual(['beta', 'alpha', 'gamma']);
  });

  it('collects the distinct sources of a group', () => {
    const r = report([
      entry('p', 'p#1', '2026-11-25T01:00:00Z', 'm', 'reprocess'),
      entry('p', 'p#2', '2026-11-25T02:00:00Z', 'm', 'execution-log'),
      entry('p', 'p#3', '2026-11-25T03:00:00Z', 'm', 'reprocess'),
    ]);
    expect(r.groups[0]?.sources).toEqual(['execution-log', 'reprocess']);
  });

  it('passes window, source, note, completeness and unreadable count through', () => {
    const r = report([], { source: 'gsi', sourceNote: 'why', unreadable: 4 });
    expect(r).toEqual({ window: WINDOW, source: 'gsi', sourceNote: 'why', completeness: COMPLETE, count: 0, unreadable: 4, statusVariants: null, groups: [], failures: [] });
  });

  it('counts the failures written with FAILED misspelt, each spelling once, most frequent first', () => {
    const spelt = (pk: string, iso: string, writtenStatus?: string): FailureEntry => ({
      ...entry('p', pk, iso),
      ...(writtenStatus === undefined ? {} : { writtenStatus }),
    });
    const r = report([
      spelt('p#1', '2026-11-25T01:00:00Z', 'FAILED '),
      spelt('p#2', '2026-11-25T02:00:00Z', 'failed'),
      spelt('p#3', '2026-11-25T03:00:00Z', 'failed'),
      spelt('p#4', '2026-11-25T04:00:00Z'),
      // Outside the window, and a duplicate: neither counts.
      spelt('p#5', '2026-11-26T04:00:00Z', 'Failed'),
      spelt('p#1', '2026-11-25T01:00:00Z', 'FAILED '),
    ]);
    expect(r.statusVariants).toEqual({ count: 3, values: ['failed', 'FAILED '] });
    expect(report([entry('p', 'p#1', '2026-11-25T01:00:00Z')]).statusVariants).toEqual({ count: 0, values: [] });
  });
});
