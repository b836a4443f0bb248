import { boundedKey, MAX_PARTITION_KEY_BYTES } from './key-limits.ts';
import { SUMMARY_TABLE, type SummaryItem, type SummaryKey } from './table.ts';

/**
 * The signature registry: per (process, signature), when the error was first
 * and last seen, whatever the day, so the digest can say "new today" or
 * "first seen 3 weeks ago". One partition per process, one item per
 * signature: capture touches an item at most once an hour per container
 * (shared/summary/signature-writes.ts), so a storm of one error is not a hot
 * item, and the digest reads exactly the items it shows.
 */
export const SIGNATURE_REGISTRY = {
  prefix: 'SIG#',
  attributes: {
    process: 'proc',
    signature: 'sig',
    template: 'tpl',
    /** Epoch milliseconds of the earliest and latest failure seen with this signature. */
    firstTs: 'first',
    lastTs: 'last',
  },
} as const;

/** One registered signature of one process. */
export interface SignatureRecord {
  readonly process: string;
  readonly signature: string;
  readonly template: string;
  readonly first_ts: number;
  readonly last_ts: number;
}

export type SignatureId = Pick<SignatureRecord, 'process' | 'signature'>;

/** A process name of any length fits: past the key limit its hash stands in, the item keeps the whole name. */
export function signatureKey(id: SignatureId): SummaryKey {
  return { pk: boundedKey(SIGNATURE_REGISTRY.prefix, id.process, MAX_PARTITION_KEY_BYTES), sk: id.signature };
}

export function signatureRecordFromItem(item: SummaryItem): SignatureRecord {
  const a = SIGNATURE_REGISTRY.attributes;
  return {
    process: String(item[a.process]),
    signature: String(item[a.signature] ?? item[SUMMARY_TABLE.sortKey]),
    template: String(item[a.template] ?? ''),
    first_ts: Number(item[a.firstTs]),
    last_ts: Number(item[a.lastTs]),
  };
}

/** The identity of a registered signature, for maps. */
export const signatureIdentity = (id: SignatureId): string => `${id.process}\u0000${id.signature}`;
