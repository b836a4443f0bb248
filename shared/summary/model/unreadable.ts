import { boundedKey, MAX_SORT_KEY_BYTES } from './key-limits.ts';
import { SUMMARY_TABLE, type SummaryItem } from './table.ts';

/**
 * Unreadable records: FAILED writes the consumer could not read (no usable
 * `event_ts`, wrong types). Filed under the report day they arrived on, since
 * their own time cannot be trusted, so the digest of that day counts them
 * and nobody retries them forever.
 */
export const UNREADABLE = {
  prefix: 'UNREADABLE#',
  attributes: { reason: 'reason', raw: 'raw', receivedMs: 'received_ms' },
} as const;

export interface UnreadableRecord {
  /** The stream sequence number (or event id): a redelivered record rewrites its item. */
  readonly id: string;
  readonly reason: string;
  /** The image as JSON, for whoever fixes the writer. */
  readonly raw: string;
  readonly receivedMs: number;
  /** The report day it arrived on. */
  readonly day: string;
}

// A stored raw image stays far below DynamoDB's 400 KB item limit.
export const MAX_RAW_CHARS = 32_000;

export function unreadableKey(tz: string, date: string): string {
  return `${UNREADABLE.prefix}${tz}#${date}`;
}

export function unreadableItem(tz: string, record: UnreadableRecord, expiresAt: number): SummaryItem {
  const a = UNREADABLE.attributes;
  return {
    [SUMMARY_TABLE.partitionKey]: unreadableKey(tz, record.day),
    // Ids are sequence numbers or event ids; one from elsewhere may be of any length.
    [SUMMARY_TABLE.sortKey]: boundedKey('', record.id, MAX_SORT_KEY_BYTES),
    [a.reason]: record.reason,
    [a.raw]: record.raw.length > MAX_RAW_CHARS ? `${record.raw.slice(0, MAX_RAW_CHARS)}…` : record.raw,
    [a.receivedMs]: record.receivedMs,
    [SUMMARY_TABLE.ttlAttribute]: expiresAt,
  };
}

/** The day is the partition's, which the reader already knows. */
export function unreadableFromItem(item: SummaryItem, day: string): UnreadableRecord {
  const a = UNREADABLE.attributes;
  return {
    id: String(item[SUMMARY_TABLE.sortKey]),
    reason: String(item[a.reason]),
    raw: String(item[a.raw]),
    receivedMs: Number(item[a.receivedMs]),
    day,
  };
}
