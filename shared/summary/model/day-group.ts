import type { FailureEntry } from '../../capture/entry.ts';
import { truncate } from '../../text.ts';
import { DAY_GROUP_PREFIX, groupSortKey, keyHolds, parseGroupSortKey } from './day-group-key.ts';
import type { GroupInfo } from './group-info.ts';
import { SUMMARY_TABLE, type SummaryItem } from './table.ts';

/**
 * Day groups: the aggregate of one (process, signature) over one report day,
 * kept as failures are captured, so the digest's body reads one small item
 * per group and shard however many failures the day has. A group's failures
 * are spread over GROUP_SHARDS items (day-group-key.ts), so a storm of one
 * error is not one hot item. The digest adds the shards up. What does not
 * change with the count (template, sample) is one group info item per day
 * (group-info.ts), read only for the groups the digest shows.
 */
export const DAY_GROUP = {
  prefix: DAY_GROUP_PREFIX,
  attributes: {
    /** Process, signature and source are kept only where the sort key holds a hash of them. */
    process: 'proc',
    signature: 'sig',
    /** Only on items written before group info items: read, never written. */
    template: 'tpl',
    /** The number of distinct entries counted here: only ever changed in the same transaction as an entry. */
    count: 'n',
    /** One source per item: a group is kept per (process, signature, source), so the digest can count by source. */
    source: 'src',
    firstTs: 'first',
    lastTs: 'last',
    /** The pk of the failure at `last`. */
    latestPk: 'lpk',
    /** Only on items written before group info items: read, never written. */
    sample: 'smp',
  },
} as const;

/**
 * The sample kept with a group: the head of its first message. Long enough
 * to show the error line of most traces; short enough that the group's info
 * item stays near 1 KB, which is what writing it costs.
 */
export const MAX_SAMPLE_CHARS = 600;

/** One (process, signature) over one report day, its shards added up. */
export interface DayGroup {
  readonly process: string;
  readonly signature: string;
  /** Empty until the group info is read (withInfo), and where none was kept. */
  readonly template: string;
  readonly count: number;
  readonly first_ts: number;
  readonly last_ts: number;
  readonly latest_pk: string;
  /**
   * The head of a message of the group (MAX_SAMPLE_CHARS): its group info's,
   * or the latest one's where groups are made from entries. Empty until the
   * group info is read (withInfo), and where none was kept.
   */
  readonly sample: string;
  /** Sorted. */
  readonly sources: readonly string[];
  /** The group's failures by source: they add up to `count`. */
  readonly source_counts: Readonly<Record<string, number>>;
}

export function sampleOf(message: string): string {
  return truncate(message, MAX_SAMPLE_CHARS);
}

/** The identity of a group within a day: what shards are added up by. */
export function groupIdentity(g: Pick<DayGroup, 'process' | 'signature'>): string {
  return `${g.process}\u0000${g.signature}`;
}

/**
 * One shard's item as a partial group, its identity read back from the sort
 * key unless the item carries it. Template and sample are those of an item
 * written before group info items, else empty. Pure.
 */
export function dayGroupFromItem(item: SummaryItem): DayGroup {
  const a = DAY_GROUP.attributes;
  const parsed = parseGroupSortKey(String(item[SUMMARY_TABLE.sortKey]));
  const source = String(item[a.source] ?? parsed?.source ?? '');
  const count = Number(item[a.count] ?? 0);
  return {
    process: String(item[a.process] ?? parsed?.process ?? ''),
    signature: String(item[a.signature] ?? parsed?.signature ?? ''),
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

/** Each signature's template, for entries, which keep none: its group info's, else what a shard item of the older layout kept. Pure. */
export function templatesOf(groups: readonly DayGroup[], infos: Iterable<GroupInfo>): Map<string, string> {
  const out = new Map(groups.filter((g) => g.template !== '').map((g) => [g.signature, g.template]));
  for (const i of infos) if (i.template !== '') out.set(i.signature, i.template);
  return out;
}

/** The group with its info's template and sample; what it had where the info has none. Pure. */
export function withInfo<G extends DayGroup>(group: G, info: GroupInfo | undefined): G {
  if (!info) return group;
  return { ...group, template: info.template || group.template, sample: info.sample || group.sample };
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
    sample: later.sample || (later === a ? b : a).sample,
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

/**
 * The identity attributes of a group shard item: none where its sort key
 * reads back as them, which is every key not hashed. Pure.
 */
export function identityAttributes(process: string, signature: string, source: string): SummaryItem {
  const a = DAY_GROUP.attributes;
  if (keyHolds(parseGroupSortKey(groupSortKey(process, signature, source)), process, signature, source)) return {};
  return { [a.process]: process, [a.signature]: signature, [a.source]: source };
}

/** One shard's item of a group of one source, as a rebuild writes it whole: counts and times, no text. Pure. */
export function dayGroupItem(pk: string, group: DayGroup, expiresAt: number): SummaryItem {
  const a = DAY_GROUP.attributes;
  const source = group.sources[0] ?? '';
  return {
    [SUMMARY_TABLE.partitionKey]: pk,
    [SUMMARY_TABLE.sortKey]: groupSortKey(group.process, group.signature, source),
    ...identityAttributes(group.process, group.signature, source),
    [a.count]: group.count,
    [a.firstTs]: group.first_ts,
    [a.lastTs]: group.last_ts,
    [a.latestPk]: group.latest_pk,
    [SUMMARY_TABLE.ttlAttribute]: expiresAt,
  };
}
