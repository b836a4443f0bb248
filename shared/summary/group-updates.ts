import { expr, namesOf } from '../aws/expression.ts';
import type { FailureEntry } from '../capture/entry.ts';
import { DAY_ENTRY } from './model/day-entry.ts';
import { DAY_GROUP, identityAttributes } from './model/day-group.ts';
import { groupKeyOfEntry, groupSortKey } from './model/day-group-key.ts';
import { groupInfoItem, type GroupInfo } from './model/group-info.ts';
import { SIGNATURE_REGISTRY, signatureKey } from './model/signature-registry.ts';
import { keyItem, SUMMARY_TABLE, type SummaryItem, type SummaryKey } from './model/table.ts';

/**
 * The requests of the aggregate writes, as pure functions of what is
 * written: the transactions that keep a group's count with its entries, and
 * the conditional min/max updates that keep its first and last, and the
 * put-if-absent of its info.
 * Every request names its attributes through the models (expr), so no
 * attribute is spelt twice.
 */

const G = DAY_GROUP.attributes;
const PK = SUMMARY_TABLE.partitionKey;
const SEQ = DAY_ENTRY.attributes.sequence;
const TTL = SUMMARY_TABLE.ttlAttribute;

/** One request of the document client: an update with its condition. */
export interface UpdateRequest {
  readonly Key: SummaryItem;
  readonly UpdateExpression: string;
  readonly ConditionExpression?: string;
  readonly ExpressionAttributeNames: Record<string, string>;
  readonly ExpressionAttributeValues: Record<string, unknown>;
}

export interface PutRequest {
  readonly Item: SummaryItem;
  readonly ConditionExpression: string;
  readonly ExpressionAttributeNames: Record<string, string>;
  readonly ExpressionAttributeValues?: Record<string, unknown>;
  readonly ReturnValuesOnConditionCheckFailure: 'ALL_OLD';
}

/** The group shard item an entry counts in. */
export function groupKeyOf(entry: FailureEntry, tz: string, day: string): SummaryKey {
  return { pk: groupKeyOfEntry(entry, tz, day), sk: groupSortKey(entry.process, entry.signature, entry.source) };
}

/** The entry, only where none is stored: a redelivered record is cancelled here, with the stored entry returned. */
export function putNewEntry(item: SummaryItem): PutRequest {
  const c = expr`attribute_not_exists(${PK})`;
  return { Item: item, ConditionExpression: c.expression, ExpressionAttributeNames: c.names, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' };
}

/**
 * The entry, replacing the stored one only while it is exactly the one that
 * was seen (`seenOrder`, or none for an entry written without a sequence):
 * what the group moves were decided on.
 */
export function putReplacingEntry(item: SummaryItem, seenOrder: string | undefined): PutRequest {
  const c = seenOrder === undefined ? expr`attribute_exists(${PK}) AND attribute_not_exists(${SEQ})` : expr`${SEQ} = :seen`;
  return {
    Item: item,
    ConditionExpression: c.expression,
    ExpressionAttributeNames: c.names,
    ...(seenOrder === undefined ? {} : { ExpressionAttributeValues: { ':seen': seenOrder } }),
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
}

/**
 * Counts one entry into its group item, creating the item if need be. First,
 * last and lpk only where absent: the min/max updates that follow keep them,
 * and an item whose updates were lost to a crash is still whole. The
 * identity attributes only where the key is hashed (identityAttributes):
 * they are the key's own values, so setting them again changes nothing.
 */
export function countInto(key: SummaryKey, entry: FailureEntry, expiresAt: number): UpdateRequest {
  const identity = Object.keys(identityAttributes(entry.process, entry.signature, entry.source)).length > 0;
  const u = identity
    ? expr`ADD ${G.count} :one SET ${G.process} = :proc, ${G.signature} = :sig, ${G.source} = :src, ${G.firstTs} = if_not_exists(${G.firstTs}, :ts), ${G.lastTs} = if_not_exists(${G.lastTs}, :ts), ${G.latestPk} = if_not_exists(${G.latestPk}, :pk), ${TTL} = :exp`
    : expr`ADD ${G.count} :one SET ${G.firstTs} = if_not_exists(${G.firstTs}, :ts), ${G.lastTs} = if_not_exists(${G.lastTs}, :ts), ${G.latestPk} = if_not_exists(${G.latestPk}, :pk), ${TTL} = :exp`;
  return {
    Key: keyItem(key),
    UpdateExpression: u.expression,
    ExpressionAttributeNames: u.names,
    ExpressionAttributeValues: {
      ':one': 1,
      ...(identity ? { ':proc': entry.process, ':sig': entry.signature, ':src': entry.source } : {}),
      ':ts': entry.event_ts,
      ':pk': entry.pk,
      ':exp': expiresAt,
    },
  };
}

/**
 * The group's info, only where none is stored: its text is the first
 * message seen of the group, and a redelivery or another container's
 * first sighting leaves it as it is. Outside the transaction, where a
 * refused condition is an answer rather than a cancelled count.
 */
export function putInfoIfAbsent(tz: string, day: string, info: GroupInfo, expiresAt: number): Omit<PutRequest, 'ReturnValuesOnConditionCheckFailure'> {
  const c = expr`attribute_not_exists(${PK})`;
  return { Item: groupInfoItem(tz, day, info, expiresAt), ConditionExpression: c.expression, ExpressionAttributeNames: c.names };
}

/** Takes one entry out of the group item it was counted in (a rewrite that changed its signature, source or process). */
export function countOutOf(key: SummaryKey): UpdateRequest {
  const u = expr`ADD ${G.count} :minus`;
  return { Key: keyItem(key), UpdateExpression: u.expression, ExpressionAttributeNames: u.names, ExpressionAttributeValues: { ':minus': -1 } };
}

/**
 * The group's latest failure becomes this one if it is later (by time, then
 * pk, the order mergeGroup keeps). Only on an existing item: these updates
 * never create one that no transaction counted.
 */
export function raiseLast(key: SummaryKey, ts: number, pk: string): UpdateRequest {
  const u = expr`SET ${G.lastTs} = :ts, ${G.latestPk} = :pk`;
  const c = expr`attribute_exists(${G.count}) AND (attribute_not_exists(${G.lastTs}) OR ${G.lastTs} < :ts OR (${G.lastTs} = :ts AND ${G.latestPk} < :pk))`;
  return {
    Key: keyItem(key),
    UpdateExpression: u.expression,
    ConditionExpression: c.expression,
    ExpressionAttributeNames: namesOf(u, c),
    ExpressionAttributeValues: { ':ts': ts, ':pk': pk },
  };
}

/** The group's first failure becomes this one if it is earlier. */
export function lowerFirst(key: SummaryKey, ts: number): UpdateRequest {
  const u = expr`SET ${G.firstTs} = :ts`;
  const c = expr`${G.firstTs} > :ts`;
  return { Key: keyItem(key), UpdateExpression: u.expression, ConditionExpression: c.expression, ExpressionAttributeNames: namesOf(u, c), ExpressionAttributeValues: { ':ts': ts } };
}

const R = SIGNATURE_REGISTRY.attributes;

/** A signature seen at `ts`: from one failure at capture, or a group's first or last at a rebuild. */
export interface Sighting {
  readonly process: string;
  readonly signature: string;
  readonly template: string;
  readonly ts: number;
}

/**
 * Registers a signature seen at `ts`, or moves its first seen earlier. The
 * template comes with the first sighting: the one the signature was made from.
 */
export function registerFirstSeen(s: Sighting, expiresAt: number): UpdateRequest {
  const u = expr`SET ${R.process} = :proc, ${R.signature} = :sig, ${R.template} = :tpl, ${R.firstTs} = :ts, ${R.lastTs} = if_not_exists(${R.lastTs}, :ts), ${TTL} = if_not_exists(${TTL}, :exp)`;
  const c = expr`attribute_not_exists(${R.firstTs}) OR ${R.firstTs} > :ts`;
  return {
    Key: keyItem(signatureKey(s)),
    UpdateExpression: u.expression,
    ConditionExpression: c.expression,
    ExpressionAttributeNames: namesOf(u, c),
    ExpressionAttributeValues: { ':proc': s.process, ':sig': s.signature, ':tpl': s.template, ':ts': s.ts, ':exp': expiresAt },
  };
}

/**
 * Moves a registered signature's last seen later, and its expiry with it: a
 * signature stays known for the retention period after it was last seen.
 */
export function registerLastSeen(s: Sighting, expiresAt: number): UpdateRequest {
  const u = expr`SET ${R.lastTs} = :ts, ${TTL} = :exp`;
  const c = expr`attribute_exists(${R.firstTs}) AND ${R.lastTs} < :ts`;
  return {
    Key: keyItem(signatureKey(s)),
    UpdateExpression: u.expression,
    ConditionExpression: c.expression,
    ExpressionAttributeNames: namesOf(u, c),
    ExpressionAttributeValues: { ':ts': s.ts, ':exp': expiresAt },
  };
}
