import { boundedKey, MAX_SORT_KEY_BYTES } from './key-limits.ts';
import { SUMMARY_TABLE, type SummaryItem, type SummaryKey } from './table.ts';

/**
 * Group info: what a day group keeps that its count does not change, one
 * item per (process, signature) and day, so the group's shard items stay a
 * few dozen bytes and the digest reads this text only for the groups it
 * shows. Written once per group per container, put-if-absent, so one
 * partition per day is no hot spot: a day of 1,000 groups and 100
 * containers is 100,000 writes spread over the day, where a partition takes
 * 1,000 a second.
 */
export const GROUP_INFO = {
  prefix: 'GINFO#',
  attributes: {
    /** Only where the sort key holds a hash of it. */
    process: 'proc',
    signature: 'sig',
    template: 'tpl',
    /** The head (sampleOf) of the first message seen of the group. */
    sample: 'smp',
  },
} as const;

export interface GroupInfo {
  readonly process: string;
  readonly signature: string;
  readonly template: string;
  readonly sample: string;
}

export type GroupInfoId = Pick<GroupInfo, 'process' | 'signature'>;

export function groupInfoPartition(tz: string, date: string): string {
  return `${GROUP_INFO.prefix}${tz}#${date}`;
}

/** Signature first and fixed-width, as in groupSortKey: the rest is the process, whatever `#` it holds. */
export function groupInfoSortKey(process: string, signature: string): string {
  return boundedKey(`${signature}#`, process, MAX_SORT_KEY_BYTES);
}

export function groupInfoKey(tz: string, date: string, id: GroupInfoId): SummaryKey {
  return { pk: groupInfoPartition(tz, date), sk: groupInfoSortKey(id.process, id.signature) };
}

/** What `groupInfoSortKey` was made of, as far as the key tells: a hashed process reads as its hash. Pure. */
export function parseGroupInfoSortKey(sk: string): GroupInfoId | undefined {
  const cut = sk.indexOf('#');
  return cut < 0 ? undefined : { signature: sk.slice(0, cut), process: sk.slice(cut + 1) };
}

export function groupInfoItem(tz: string, date: string, info: GroupInfo, expiresAt: number): SummaryItem {
  const a = GROUP_INFO.attributes;
  const key = groupInfoKey(tz, date, info);
  const parsed = parseGroupInfoSortKey(key.sk);
  const held = parsed?.process === info.process && parsed.signature === info.signature;
  return {
    [SUMMARY_TABLE.partitionKey]: key.pk,
    [SUMMARY_TABLE.sortKey]: key.sk,
    ...(held ? {} : { [a.process]: info.process, [a.signature]: info.signature }),
    [a.template]: info.template,
    [a.sample]: info.sample,
    [SUMMARY_TABLE.ttlAttribute]: expiresAt,
  };
}

export function groupInfoFromItem(item: SummaryItem): GroupInfo {
  const a = GROUP_INFO.attributes;
  const parsed = parseGroupInfoSortKey(String(item[SUMMARY_TABLE.sortKey]));
  return {
    process: String(item[a.process] ?? parsed?.process ?? ''),
    signature: String(item[a.signature] ?? parsed?.signature ?? ''),
    template: String(item[a.template] ?? ''),
    sample: String(item[a.sample] ?? ''),
  };
}

/** The identity of a group's info, the same as groupIdentity's. */
export const groupInfoIdentity = (id: GroupInfoId): string => `${id.process}\u0000${id.signature}`;
