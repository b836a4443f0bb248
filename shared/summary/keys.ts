/**
 * Key builders of the summary table: pure functions of domain values.
 *
 * Every report day is spread over DAY_SHARDS partitions so a failure storm is
 * not capped by one partition's 1,000 writes/s; the shard is a hash of the
 * entry's identity, so a redelivered record lands on the same key.
 */
export const DAY_SHARDS = 8;

const TS_WIDTH = 15;

/** FNV-1a, 32 bit: stable across runtimes, which a shard choice must be. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function shardOf(pk: string, eventTs: number, shards = DAY_SHARDS): number {
  return fnv1a(`${pk}\u0000${eventTs}`) % shards;
}

export function dayKey(tz: string, date: string, shard: number): string {
  return `DAY#${tz}#${date}#${String(shard).padStart(2, '0')}`;
}

export function allDayKeys(tz: string, date: string, shards = DAY_SHARDS): string[] {
  return Array.from({ length: shards }, (_, i) => dayKey(tz, date, i));
}

/** Sorts by time within a shard; the source key makes two failures at the same millisecond distinct. */
export function entryKey(eventTs: number, pk: string): string {
  return `${String(Math.floor(eventTs)).padStart(TS_WIDTH, '0')}#${pk}`;
}

export function unreadableKey(tz: string, date: string): string {
  return `UNREADABLE#${tz}#${date}`;
}

/** One item per zone: since when the consumer has seen every write. */
export function coverageKey(tz: string): { pk: string; sk: string } {
  return { pk: `COVERAGE#${tz}`, sk: 'COVERAGE' };
}

/** Per report day: built by reprocess, or marked incomplete after lost records. */
export function dayStateKey(tz: string, date: string): { pk: string; sk: string } {
  return { pk: `DAYSTATE#${tz}#${date}`, sk: 'STATE' };
}

export function sentMarkerKey(tz: string, date: string): { pk: string; sk: string } {
  return { pk: `SENT#${tz}#${date}`, sk: 'SENT' };
}
