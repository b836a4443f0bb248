import { DEFAULT_SOURCE, processOf, type FailureEntry } from '../../capture/entry.ts';
import { messageHeadOf } from '../../signature/error-line.ts';
import { errorSignature } from '../../signature/signature.ts';
import { boundedKey, MAX_SORT_KEY_BYTES } from './key-limits.ts';
import { SUMMARY_TABLE, type SummaryItem } from './table.ts';

/**
 * Day entries: one item per captured failure, filed under its report day,
 * which is what the digest's CSV and the day's counts are made of. Every report day is spread over DAY_SHARDS
 * partitions so a failure storm is not capped by one partition's 1,000
 * writes/s; the shard is a hash of the entry's identity, so a redelivered
 * record lands on the same key and never counts twice.
 */
export const DAY_ENTRY = {
  prefix: 'DAY#',
  /**
   * Each entry is read once a day by the digest, so every byte counts:
   * what the key or a default already says is left out. `spk` is only kept
   * when the sort key holds a hash of the pk, `proc` only when it is not
   * the one `processOf` gives the pk, `src` only when it is not the
   * execution log, and the template not at all: the day's groups hold it
   * by signature (entries written before kept it, and still are read so).
   */
  attributes: {
    pk: 'spk',
    process: 'proc',
    eventTs: 'ts',
    /** The error line of the message, cut (messageHeadOf). */
    message: 'msg',
    source: 'src',
    writtenStatus: 'wst',
    /** 16 hex digits: the hash of the template. */
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
const TS_PREFIX = new RegExp(`^\\d{${TS_WIDTH}}#`);

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
  const sk = entryKey(entry.event_ts, entry.pk);
  return {
    [SUMMARY_TABLE.partitionKey]: dayKey(tz, day, shardOf(entry.pk, entry.event_ts)),
    [SUMMARY_TABLE.sortKey]: sk,
    ...(sk.slice(TS_WIDTH + 1) !== entry.pk ? { [a.pk]: entry.pk } : {}),
    ...(entry.process !== processOf(entry.pk) ? { [a.process]: entry.process } : {}),
    [a.eventTs]: entry.event_ts,
    [a.message]: messageHeadOf(entry.message, entry.template),
    ...(entry.source !== DEFAULT_SOURCE ? { [a.source]: entry.source } : {}),
    [a.signature]: entry.signature,
    ...(entry.writtenStatus !== undefined ? { [a.writtenStatus]: entry.writtenStatus } : {}),
    ...(order !== undefined ? { [a.sequence]: order } : {}),
    [SUMMARY_TABLE.ttlAttribute]: expiresAt,
  };
}

/** The pk of the failure an entry item is of: kept whole in `spk` when the sort key holds its hash. */
export function entryPkOf(item: SummaryItem): string {
  const stored = item[DAY_ENTRY.attributes.pk];
  return typeof stored === 'string' ? stored : String(item[SUMMARY_TABLE.sortKey]).replace(TS_PREFIX, '');
}

/** The templates of a day's signatures, from its groups. */
export type TemplatesBySignature = ReadonlyMap<string, string>;

function signatureOf(item: SummaryItem, message: string, templates: TemplatesBySignature | undefined): Pick<FailureEntry, 'signature' | 'template'> {
  const a = DAY_ENTRY.attributes;
  const signature = item[a.signature];
  if (typeof signature !== 'string') return fromHead(message);
  const template = templates?.get(signature) ?? item[a.template];
  return { signature, template: typeof template === 'string' ? template : fromHead(message).template };
}

/**
 * Reads an entry as written now or before (with `spk`, `proc` and `src`
 * always there, and `tpl`). A missing message reads as empty text: an entry
 * still counts without it. The template comes from `templates`, else as
 * stored, else from the head; an entry written before signatures were kept
 * gets one from its head, which is the whole message unless it was long.
 */
export function dayEntryFromItem(item: SummaryItem, templates?: TemplatesBySignature): FailureEntry {
  const a = DAY_ENTRY.attributes;
  const written = item[a.writtenStatus];
  const message = String(item[a.message] ?? '');
  const pk = entryPkOf(item);
  const proc = item[a.process];
  const source = item[a.source];
  return {
    pk,
    process: typeof proc === 'string' ? proc : processOf(pk),
    event_ts: Number(item[a.eventTs]),
    message,
    source: typeof source === 'string' ? source : DEFAULT_SOURCE,
    ...signatureOf(item, message, templates),
    ...(typeof written === 'string' ? { writtenStatus: written } : {}),
  };
}
