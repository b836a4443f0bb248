import type { FailureEntry } from '../../capture/entry.ts';
import { DAY_SHARDS, shardOf } from './day-entry.ts';
import { boundedKey, MAX_SORT_KEY_BYTES } from './key-limits.ts';

export const DAY_GROUP_PREFIX = 'GRP#';

/**
 * A group's count moves only in the transaction that creates an entry, so a
 * storm of one error writes to one group item per group shard. Four of them
 * take 4,000 writes/s of one error, more than a stream shard delivers, and
 * halve the items the digest's body reads against one per entry shard.
 */
export const GROUP_SHARDS = 4;

if (DAY_SHARDS % GROUP_SHARDS !== 0) throw new Error('GROUP_SHARDS must divide DAY_SHARDS: a group shard collects whole entry shards');

/** The group shard that counts the entries of `entryShard`. */
export function groupShardOf(entryShard: number): number {
  return entryShard % GROUP_SHARDS;
}

/** The entry shards a group shard counts: each entry shard belongs to exactly one. */
export function entryShardsOf(groupShard: number): number[] {
  return Array.from({ length: DAY_SHARDS / GROUP_SHARDS }, (_, i) => groupShard + i * GROUP_SHARDS);
}

export function groupKey(tz: string, date: string, shard: number): string {
  return `${DAY_GROUP_PREFIX}${tz}#${date}#${String(shard).padStart(2, '0')}`;
}

export function allGroupKeys(tz: string, date: string, shards = GROUP_SHARDS): string[] {
  return Array.from({ length: shards }, (_, i) => groupKey(tz, date, i));
}

/**
 * Every partition a day's group items can be in: the GROUP_SHARDS capture
 * writes, and past them the shards of the older layout, which kept one
 * group shard per entry shard (GRP#…#07). Days written so still hold items
 * there, which readers add up; a rebuild moves them (groupRebuildKeys).
 * Four Queries of empty partitions cost two read units.
 */
export function readableGroupKeys(tz: string, date: string): string[] {
  return allGroupKeys(tz, date, DAY_SHARDS);
}

/**
 * The partitions a rebuild of `groupShard` reconciles: its own, and those
 * the older layout kept its entry shards' groups in (that of entry shard s
 * was group shard s), whose items it deletes once their counts are in its own.
 */
export function groupRebuildKeys(tz: string, date: string, groupShard: number): string[] {
  return entryShardsOf(groupShard).map((s) => groupKey(tz, date, s));
}

/** The group's partition for one entry: the group shard of the entry's own shard. */
export function groupKeyOfEntry(entry: Pick<FailureEntry, 'pk' | 'event_ts'>, tz: string, date: string): string {
  return groupKey(tz, date, groupShardOf(shardOf(entry.pk, entry.event_ts)));
}

/**
 * The signature is fixed-width and comes first, and the source's length is
 * written before it, so no `#` in a source or process name can make two
 * groups one key, and the key reads back as what it was made of.
 */
export function groupSortKey(process: string, signature: string, source: string): string {
  return boundedKey(`${signature}#`, `${source.length}:${source}#${process}`, MAX_SORT_KEY_BYTES);
}

export interface GroupKeyParts {
  readonly process: string;
  readonly signature: string;
  readonly source: string;
}

const SOURCE_LENGTH = /^(\d+):/;

/**
 * What `groupSortKey` was made of, or undefined when the key does not hold
 * it (the tail was hashed, or the key is not of that shape). Pure.
 */
export function parseGroupSortKey(sk: string): GroupKeyParts | undefined {
  const cut = sk.indexOf('#');
  if (cut < 0) return undefined;
  const signature = sk.slice(0, cut);
  const tail = sk.slice(cut + 1);
  const length = SOURCE_LENGTH.exec(tail);
  if (!length) return undefined;
  const from = length[0].length;
  const to = from + Number(length[1]);
  if (to > tail.length || tail[to] !== '#') return undefined;
  return { signature, source: tail.slice(from, to), process: tail.slice(to + 1) };
}

/** Whether `sk` reads back as exactly these parts: else the item must carry them itself. */
export function keyHolds(parts: GroupKeyParts | undefined, process: string, signature: string, source: string): boolean {
  return parts !== undefined && parts.process === process && parts.signature === signature && parts.source === source;
}
