import type { FailureEntry } from '../../capture/entry.ts';
import { truncate } from '../../text.ts';
import { DAY_SHARDS, shardOf } from './day-entry.ts';
import { boundedKey, MAX_SORT_KEY_BYTES } from './key-limits.ts';
import { SUMMARY_TABLE, type SummaryItem } from './table.ts';

/**
 * Day groups: the aggregate of one (process, signature) over one report day,
 * kept as failures are captured, so the digest's body reads one small item
 * per group and shard however many failures the day has. A group's failures
 * are spread over the same DAY_SHARDS as their entries (the shard of the
 * entry's identity), so a storm of one error is DAY_SHARDS items in as many
 * partitions, not one hot item. The digest adds the shards up.
 */
export const DAY_GROUP = {
  prefix: 'GRP#',
  attributes: {
    process: 'proc',
    signature: 'sig',
    template: 'tpl',
    /** The number of distinct entries counted here: only ever changed in the same transaction as an entry. */
    count: 'n',
    /** One source per item: a group is kept per (process, signature, source), so the digest can count by source. */
    source: 'src',
    firstTs: 'first',
    lastTs: 'last',
    /** The pk and message head of the failure at `last`. */
    latestPk: 'lpk',
    sample: 'smp',
  },
} as const;

/**
 * The sample kept with a group: the head of its latest message. Long enough
 * to show the error line of most traces; short enough that the item stays
 * under 1 KB, which is what every write to it costs.
 */
export const MAX_SAMPLE_CHARS = 600;

/** One (process, signature) over one report day, its shards added up. */
export interface DayGroup {
  readonly process: string;
  readonly signature: string;
  readonly template: string;
  readonly count: number;
  readonly first_ts: number;
  readonly last_ts: number;
  readonly latest_pk: string;
  /** The head of the latest failure's message (MAX_SAMPLE_CHARS). */
  readonly sample: string;
  /** Sorted. */
  readonly sources: readonly string[];
  /** The group's failures by source: they add up to `count`. */
  readonly source_counts: Readonly<Record<string, number>>;
}

export function groupKey(tz: string, date: string, shard: number): string {
  return `${DAY_GROUP.prefix}${tz}#${date}#${String(shard).padStart(2, '0')}`;
}

export function allGroupKeys(tz: string, date: string, shards = DAY_SHARDS): string[] {
  return Array.from({ length: shards }, (_, i) => groupKey(tz, date, i));
}

/** The group's partition for one entry: the entry's own shard. */
export function groupKeyOfEntry(entry: Pick<FailureEntry, 'pk' | 'event_ts'>, tz: string, date: string): string {
  return groupKey(tz, date, shardOf(entry.pk, entry.event_ts));
}

/**
 * The signature is fixed-width and comes first, and the source's length is
 * written before it, so no `#` in a source or process name can make two
 * groups one key.
 */
export function groupSortKey(process: string, signature: string, source: string): string {
  return boundedKey(`${signature}#`, `${source.length}:${source}#${process}`, MAX_SORT_KEY_BYTES);
}

export function sampleOf(message: string): string {
  return truncate(message, MAX_SAMPLE_CHARS);
}

/** The identity of a group within a day: what shards are added up by. */
export function groupIdentity(g: Pick<DayGroup, 'process' | 'signature'>): string {
  return `${g.process}\u0000${g.signature}`;
}

/** One shard's item as a partial group. Pure. */
export function dayGroupFromItem(item: SummaryItem): DayGroup {
  const a = DAY_GROUP.attributes;
  const source = String(item[a.source] ?? '');
  const count = Number(item[a.count] ?? 0);
  return {
    process: String(item[a.process]),
    signature: String(item[a.signature]),
    template: String(item[a.template] ?? ''),
    count,
    first_ts: Number(item[a.firstTs]),
    last_ts: Number(item[a.lastTs]),
    latest_pk: String(item[a.latestPk] ?? ''),
    sample: String(item[a.sample] ?? ''),
    sources: [source],
    source_counts: Object.fromEntries([[source, count]]),
  };
}

// Through a Map: a source named `__proto__` is a writer's text, not an object's prototype.
function addCounts(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> {
  const out = new Map(Object.entries(a));
  for (const [k, n] of Object.entries(b)) out.set(k, (out.get(k) ?? 0) + n);
  return Object.fromEntries(out);
}

/** Adds two parts of one group: counts add, the earliest first and the latest last (with its sample) win. Pure. */
export function mergeGroup(a: DayGroup, b: DayGroup): DayGroup {
  const later = b.last_ts > a.last_ts || (b.last_ts === a.last_ts && b.latest_pk > a.latest_pk) ? b : a;
  return {
    process: a.process,
    signature: a.signature,
    template: a.template || b.template,
    count: a.count + b.count,
    first_ts: Math.min(a.first_ts, b.first_ts),
    last_ts: later.last_ts,
    latest_pk: later.latest_pk,
    sample: later.sample,
    sources: [...new Set([...a.sources, ...b.sources])].sort(),
    source_counts: addCounts(a.source_counts, b.source_counts),
  };
}

/** Adds up parts of groups (shards, or single failures) into one per (process, signature). Pure. */
export function mergeGroups(parts: Iterable<DayGroup>): DayGroup[] {
  const out = new Map<string, DayGroup>();
  for (const p of parts) {
    if (p.count <= 0) continue;
    const id = groupIdentity(p);
    const seen = out.get(id);
    out.set(id, seen ? mergeGroup(seen, p) : p);
  }
  return [...out.values()];
}

/** One failure as a group of one: how groups are made from entries read from the index. Pure. */
export function groupOfEntry(entry: FailureEntry): DayGroup {
  return {
    process: entry.process,
    signature: entry.signature,
    template: entry.template,
    count: 1,
    first_ts: entry.event_ts,
    last_ts: entry.event_ts,
    latest_pk: entry.pk,
    sample: sampleOf(entry.message),
    sources: [entry.source],
    source_counts: Object.fromEntries([[entry.source, 1]]),
  };
}

/** The groups of a list of failures, as capture would have built them. Pure. */
export function groupsOfEntries(entries: Iterable<FailureEntry>): DayGroup[] {
  const out = new Map<string, DayGroup>();
  for (const e of entries) {
    const one = groupOfEntry(e);
    const id = groupIdentity(one);
    const seen = out.get(id);
    out.set(id, seen ? mergeGroup(seen, one) : one);
  }
  return [...out.values()];
}

/** One shard's item of a group of one source, as a rebuild writes it whole. Pure. */
export function dayGroupItem(pk: string, group: DayGroup, expiresAt: number): SummaryItem {
  const a = DAY_GROUP.attributes;
  const source = group.sources[0] ?? '';
  return {
    [SUMMARY_TABLE.partitionKey]: pk,
    [SUMMARY_TABLE.sortKey]: groupSortKey(group.process, group.signature, source),
    [a.process]: group.process,
    [a.signature]: group.signature,
    [a.template]: group.template,
    [a.count]: group.count,
    [a.source]: source,
    [a.firstTs]: group.first_ts,
    [a.lastTs]: group.last_ts,
    [a.latestPk]: group.latest_pk,
    [a.sample]: group.sample,
    [SUMMARY_TABLE.ttlAttribute]: expiresAt,
  };
}
