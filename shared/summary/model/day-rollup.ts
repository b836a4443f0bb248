import { fnv1a } from './day-entry.ts';
import type { DayGroup } from './day-group.ts';
import { keyItem, type SummaryItem, type SummaryKey } from './table.ts';

/**
 * Day rollups: a finished report day in one small item, its total and each
 * group's count under a short key, written by the digest once it has read
 * the day. The next week's digests read them for their trends, averages and
 * new/back marks: seven small reads instead of seven days of groups.
 */
export const DAY_ROLLUP = {
  prefix: 'ROLLUP#',
  sortKey: 'ROLLUP',
  attributes: { total: 'total', counts: 'counts', writtenMs: 'written_ms' },
} as const;

/** A day's counts by rollupKeyOf, and its total. */
export interface DayRollup {
  readonly total: number;
  readonly counts: ReadonlyMap<string, number>;
}

/**
 * A group's key in a rollup: its signature and a hash of its process, 24 hex
 * digits. Two groups meet on one key only if their signatures and process
 * hashes both collide.
 */
export function rollupKeyOf(g: Pick<DayGroup, 'process' | 'signature'>): string {
  return `${g.signature}${fnv1a(g.process).toString(16).padStart(8, '0')}`;
}

export function rollupKey(tz: string, date: string): SummaryKey {
  return { pk: `${DAY_ROLLUP.prefix}${tz}#${date}`, sk: DAY_ROLLUP.sortKey };
}

/** A day's groups as its rollup. Pure. */
export function rollupOf(groups: readonly DayGroup[]): DayRollup {
  const counts = new Map<string, number>();
  let total = 0;
  for (const g of groups) {
    if (g.count <= 0) continue;
    const key = rollupKeyOf(g);
    counts.set(key, (counts.get(key) ?? 0) + g.count);
    total += g.count;
  }
  return { total, counts };
}

// `key:count;key:count`: a map attribute would spend a name per group.
export function dayRollupItem(tz: string, date: string, rollup: DayRollup, writtenMs: number, expiresAt: number, ttlAttribute: string): SummaryItem {
  const a = DAY_ROLLUP.attributes;
  return {
    ...keyItem(rollupKey(tz, date)),
    [a.total]: rollup.total,
    [a.counts]: [...rollup.counts].map(([k, n]) => `${k}:${n}`).join(';'),
    [a.writtenMs]: writtenMs,
    [ttlAttribute]: expiresAt,
  };
}

export function dayRollupFromItem(item: SummaryItem): DayRollup {
  const a = DAY_ROLLUP.attributes;
  const text = String(item[a.counts] ?? '');
  const counts = new Map<string, number>();
  for (const part of text === '' ? [] : text.split(';')) {
    const colon = part.lastIndexOf(':');
    counts.set(part.slice(0, colon), Number(part.slice(colon + 1)));
  }
  return { total: Number(item[a.total] ?? 0), counts };
}
