import { EXECUTION_LOG_TABLE } from '../../tables.ts';
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
  attributes: { reason: 'reason', raw: 'raw', receivedMs: 'received_ms', itemPk: 'item_pk', sequence: 'seq' },
} as const;

export interface UnreadableRecord {
  /** The stream sequence number (or event id): a redelivered record rewrites its item. */
  readonly id: string;
  readonly reason: string;
  /** The execution-log item's pk, when the record has one as a string: what to look up. */
  readonly pk?: string | undefined;
  /** The stream record's sequence number, to find it in the stream while it is kept (24 h). */
  readonly sequence?: string | undefined;
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
    ...(record.pk !== undefined ? { [a.itemPk]: record.pk } : {}),
    ...(record.sequence !== undefined ? { [a.sequence]: record.sequence } : {}),
    [SUMMARY_TABLE.ttlAttribute]: expiresAt,
  };
}

/** Records filed before the pk was stored still have it in their raw image, unless it was cut. */
function pkFromRaw(raw: string): string | undefined {
  try {
    const image = JSON.parse(raw) as Record<string, { S?: unknown } | undefined> | null;
    const pk = image?.[EXECUTION_LOG_TABLE.partitionKey]?.S;
    return typeof pk === 'string' && pk !== '' ? pk : undefined;
  } catch {
    return undefined;
  }
}

/** The day is the partition's, which the reader already knows. */
export function unreadableFromItem(item: SummaryItem, day: string): UnreadableRecord {
  const a = UNREADABLE.attributes;
  const raw = String(item[a.raw]);
  const pk = typeof item[a.itemPk] === 'string' ? (item[a.itemPk] as string) : pkFromRaw(raw);
  const sequence = item[a.sequence];
  return {
    id: String(item[SUMMARY_TABLE.sortKey]),
    reason: String(item[a.reason]),
    ...(pk !== undefined ? { pk } : {}),
    ...(typeof sequence === 'string' ? { sequence } : {}),
    raw,
    receivedMs: Number(item[a.receivedMs]),
    day,
  };
}
