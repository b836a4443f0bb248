import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { FailureEntry } from '../../shared/capture/entry.ts';
import { checkGroups, passOverDay } from '../../shared/digest/day-pass.ts';
import { groupsOfEntries, type DayGroup } from '../../shared/summary/model/day-group.ts';
import { failureEntry } from '../support/failure-entry.ts';

const TS = Date.parse('2026-11-25T08:00:00Z');
const entry = (i: number, fields: Partial<FailureEntry> = {}): FailureEntry =>
  failureEntry({ pk: `job-${i % 3}#run-${i}`, process: `job-${i % 3}`, event_ts: TS + i * 1000, message: `Timeout after ${i} ms`, source: 'execution-log', ...fields });

describe('passOverDay', () => {
  const entries = Array.from({ length: 30 }, (_, i) => entry(i, i % 10 === 0 ? { writtenStatus: i === 0 ? 'failed' : 'FAILED ' } : {}));

  it('counts each entry into its group and its spelling while it writes the CSV', async () => {
    async function* stream() {
      yield* entries;
    }
    const pass = await passOverDay(stream(), 'failures-2026-11-25', { tz: 'UTC' });
    expect(pass.count).toBe(30);
    expect(pass.csv.rows).toBe(30);
    expect(new Set(pass.tallied.map((g) => g.process))).toEqual(new Set(['job-0', 'job-1', 'job-2']));
    expect(pass.tallied).toEqual(groupsOfEntries(entries));
    expect(pass.statusVariants).toEqual({ count: 3, values: ['FAILED ', 'failed'] });
  });

  it('writes every entry into the CSV, compressed too', async () => {
    const pass = await passOverDay(entries, 'failures-2026-11-25', { tz: 'UTC', gzipAboveBytes: 100 });
    expect(pass.csv.gzipped).toBe(true);
    expect(gunzipSync(pass.csv.bytes).toString().trim().split('\r\n')).toHaveLength(31);
  });
});

describe('checkGroups', () => {
  const entries = Array.from({ length: 12 }, (_, i) => entry(i));
  const tallied = groupsOfEntries(entries);
  // As capture keeps them: the sample from the whole message, which the entries only hold the head of.
  const kept: DayGroup[] = tallied.map((g) => ({ ...g, sample: `${g.sample}\n    at frame (job.js:1:1)` }));

  it('keeps the groups capture kept when the entries agree', () => {
    expect(checkGroups(kept, tallied)).toEqual({ groups: kept, disagreeing: 0 });
  });

  it('shows the entries\' numbers where a count differs, with the kept sample and template', () => {
    const short = kept.map((g, i) => (i === 0 ? { ...g, count: g.count - 1, template: 'kept template' } : g));
    const checked = checkGroups(short, tallied);
    expect(checked.disagreeing).toBe(1);
    expect(checked.groups[0]).toEqual({ ...tallied[0], template: 'kept template', sample: kept[0]!.sample });
    expect(checked.groups.slice(1)).toEqual(kept.slice(1));
  });

  it('counts groups with no entries and entries with no group as disagreeing', () => {
    const ghost: DayGroup = { ...kept[0]!, signature: 'ffffffffffffffff' };
    expect(checkGroups([...kept.slice(1), ghost], tallied)).toEqual({ groups: [tallied[0], ...kept.slice(1)], disagreeing: 2 });
  });

  it('tells a source count that moved between sources', () => {
    const g = tallied[0]!;
    const moved = { ...g, source_counts: { 's3-access-log': g.count } };
    expect(checkGroups([moved, ...kept.slice(1)], tallied).disagreeing).toBe(1);
  });
});
