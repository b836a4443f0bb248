import { keyItem, type SummaryItem, type SummaryKey } from './table.ts';

/**
 * The evidence that capture is complete through an instant, a family of three
 * kinds. Heartbeat rounds write one item per slot into the execution-log
 * table; a slot's pk always lands on the same stream shard, and a round
 * checks that its slots reach every open shard. The consumer keeps a
 * watermark per slot: the newest heartbeat of that slot it has processed.
 * Once every slot of a round that reached every shard has a watermark at or
 * past the round, every record written to the stream before the round has
 * been delivered to the consumer or handed to the on-failure destination.
 */

/** Per heartbeat slot, the write time of the newest heartbeat the consumer processed. */
export const WATERMARK = {
  prefix: 'WATERMARK',
  attributes: { throughMs: 'through_ms', slot: 'slot' },
} as const;

/** One heartbeat round: when it was written, its slots, and whether they reached every open shard. */
export const HEARTBEAT_ROUND = {
  prefix: 'HBROUND#',
  attributes: { writtenMs: 'written_ms', slots: 'slots', shards: 'shards', uncovered: 'uncovered' },
} as const;

/** The slots rounds write, grown until they reach every shard; kept so rounds do not start from one slot each time. */
export const HEARTBEAT_SLOTS = {
  prefix: 'HBSLOTS',
  sortKey: 'SLOTS',
  attributes: { slots: 'slots' },
} as const;

const TS_WIDTH = 15;
const pad = (ms: number) => String(Math.floor(ms)).padStart(TS_WIDTH, '0');
const utcDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function watermarkKey(slot: number): SummaryKey {
  return { pk: WATERMARK.prefix, sk: String(slot).padStart(4, '0') };
}

export function watermarkItem(slot: number, throughMs: number): SummaryItem {
  const a = WATERMARK.attributes;
  return { ...keyItem(watermarkKey(slot)), [a.slot]: slot, [a.throughMs]: throughMs };
}

export function watermarkFromItem(item: SummaryItem): { readonly slot: number; readonly throughMs: number } {
  const a = WATERMARK.attributes;
  return { slot: Number(item[a.slot]), throughMs: Number(item[a.throughMs]) };
}

export interface HeartbeatRound {
  readonly writtenMs: number;
  readonly slots: readonly number[];
  /** The open shards the round looked at. */
  readonly shards: readonly string[];
  /** Open shards no slot of the round reached: the round proves nothing about them. */
  readonly uncovered: readonly string[];
}

/** Rounds by UTC day of writing, sorted by time within the day. */
export function heartbeatRoundKey(writtenMs: number): SummaryKey {
  return { pk: `${HEARTBEAT_ROUND.prefix}${utcDate(writtenMs)}`, sk: pad(writtenMs) };
}

/** The partitions of every round from `fromMs` to `toMs`, oldest first. */
export function heartbeatRoundPartitions(fromMs: number, toMs: number): string[] {
  const keys: string[] = [];
  for (let day = Date.parse(`${utcDate(fromMs)}T00:00:00Z`); day <= toMs; day += 86_400_000) {
    keys.push(`${HEARTBEAT_ROUND.prefix}${utcDate(day)}`);
  }
  return keys;
}

/** The lower bound of round sort keys at or after `ms`. */
export const roundSortKeyFrom = (ms: number): string => pad(ms);

export function heartbeatRoundItem(round: HeartbeatRound, expiresAt: number, ttlAttribute: string): SummaryItem {
  const a = HEARTBEAT_ROUND.attributes;
  return {
    ...keyItem(heartbeatRoundKey(round.writtenMs)),
    [a.writtenMs]: round.writtenMs,
    [a.slots]: [...round.slots],
    [a.shards]: [...round.shards],
    [a.uncovered]: [...round.uncovered],
    [ttlAttribute]: expiresAt,
  };
}

const numbers = (v: unknown): number[] => (Array.isArray(v) ? v.map(Number) : []);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

export function heartbeatRoundFromItem(item: SummaryItem): HeartbeatRound {
  const a = HEARTBEAT_ROUND.attributes;
  return {
    writtenMs: Number(item[a.writtenMs]),
    slots: numbers(item[a.slots]),
    shards: strings(item[a.shards]),
    uncovered: strings(item[a.uncovered]),
  };
}

export function heartbeatSlotsKey(): SummaryKey {
  return { pk: HEARTBEAT_SLOTS.prefix, sk: HEARTBEAT_SLOTS.sortKey };
}

export function heartbeatSlotsItem(slots: readonly number[]): SummaryItem {
  return { ...keyItem(heartbeatSlotsKey()), [HEARTBEAT_SLOTS.attributes.slots]: [...slots] };
}

export function heartbeatSlotsFromItem(item: SummaryItem): number[] {
  return numbers(item[HEARTBEAT_SLOTS.attributes.slots]);
}
