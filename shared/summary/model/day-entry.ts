import type { FailureEntry } from '../../capture/entry.ts';
import { errorSignature } from '../../signature/signature.ts';
import { boundedKey, MAX_SORT_KEY_BYTES } from './key-limits.ts';
import { SUMMARY_TABLE, type SummaryItem } from './table.ts';

/**
 * Day entries: one item per captured failure, filed under its report day,
 * which is what the digest reads. Every report day is spread over DAY_SHARDS
 * partitions so a failure storm is not capped by one partition's 1,000
 * writes/s; the shard is a hash of the entry's identity, so a redelivered
 * record lands on the same key and never counts twice.
 */
export const DAY_ENTRY = {
  prefix: 'DAY#',
  attributes: {
    pk: 'spk',
    process: 'proc',
    eventTs: 'ts',
    message: 'msg',
    source: 'src',
    writtenStatus: 'wst',
    /** 16 hex digits, and the template it is the hash of (at most TEMPLATE_CHARS). */
    signature: 'sig',
    template: 'tpl',
    /** The stream record's sequence number as `sequenceOrder` stores it; absent on entries written by reprocess. */
    sequence: 'seq',
  },
} as const;

export const DAY_SHARDS = 8;

function fromHead(message: string): Pick<FailureEntry, 'signature' | 'template'> {
  const { signature, template } = errorSignature(message);
  return { signature, template };
}

// Fifteen digits keep epoch milliseconds sorting as text until the year 33658.
const TS_WIDTH = 15;

// DynamoDB Streams sequence numbers are 21 to 40 decimal digits (StreamRecord.SequenceNumber).
const SEQUENCE_DIGITS = 40;
const SEQUENCE = /^\d{1,40}$/;

/**
 * A stream sequence number in a form DynamoDB compares in stream order: they
 * vary in length, so as text `"9…"` would sort after `"10…"`; zero-padded to
 * one width, text order is number order. Anything else gives undefined: the
 * entry is then written without an order, as reprocess writes it.
 */
export function sequenceOrder(sequenceNumber: string | undefined): string | undefined {
  return sequenceNumber !== undefined && SEQUENCE.test(sequenceNumber) ? sequenceNumber.padStart(SEQUENCE_DIGITS, '0') : undefined;
}

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
  return `${DAY_ENTRY.prefix}${tz}#${date}#${String(shard).padStart(2, '0')}`;
}

export function allDayKeys(tz: string, date: string, shards = DAY_SHARDS): string[] {
  return Array.from({ length: shards }, (_, i) => dayKey(tz, date, i));
}

/**
 * Sorts by time within a shard; the source key makes two failures at the same
 * millisecond distinct. A pk of 1,009 bytes or more would take the key over
 * DynamoDB's 1,024-byte sort key limit, so its hash stands in for it there;
 * the entry keeps the whole pk in its own attribute.
 */
export function entryKey(eventTs: number, pk: string): string {
  return boundedKey(`${String(Math.floor(eventTs)).padStart(TS_WIDTH, '0')}#`, pk, MAX_SORT_KEY_BYTES);
}

/** `order` is the record's `sequenceOrder`, for a write that must not replace a newer one. */
export function dayEntryItem(entry: FailureEntry, tz: string, day: string, expiresAt: number, order?: string): SummaryItem {
  const a = DAY_ENTRY.attributes;
  return {
    [SUMMARY_TABLE.partitionKey]: dayKey(tz, day, shardOf(entry.pk, entry.event_ts)),
    [SUMMARY_TABLE.sortKey]: entryKey(entry.event_ts, entry.pk),
    [a.pk]: entry.pk,
    [a.process]: entry.process,
    [a.eventTs]: entry.event_ts,
    [a.message]: entry.message,
    [a.source]: entry.source,
    [a.signature]: entry.signature,
    [a.template]: entry.template,
    ...(entry.writtenStatus !== undefined ? { [a.writtenStatus]: entry.writtenStatus } : {}),
    ...(order !== undefined ? { [a.sequence]: order } : {}),
    [SUMMARY_TABLE.ttlAttribute]: expiresAt,
  };
}

/**
 * A missing message or source reads as empty text: an entry still counts in
 * the digest without them. An entry written before signatures were kept gets
 * one from its stored head, which is the whole message unless it was long.
 */
export function dayEntryFromItem(item: SummaryItem): FailureEntry {
  const a = DAY_ENTRY.attributes;
  const written = item[a.writtenStatus];
  const message = String(item[a.message] ?? '');
  const signature = item[a.signature];
  const template = item[a.template];
  return {
    pk: String(item[a.pk]),
    process: String(item[a.process]),
    event_ts: Number(item[a.eventTs]),
    message,
    source: String(item[a.source] ?? ''),
    ...(typeof signature === 'string' && typeof template === 'string' ? { signature, template } : fromHead(message)),
    ...(typeof written === 'string' ? { writtenStatus: written } : {}),
  };
}
