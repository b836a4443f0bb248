import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { EXECUTION_LOG_TABLE } from '../tables.ts';

/**
 * Heartbeats: items failure-digest itself writes into the execution-log
 * table, so that the stream carries a known record through every shard even
 * on a day without failures. The mapping's filter lets them through beside
 * the FAILED writes; the consumer turns each into a watermark instead of a
 * failure. Their status is not FAILED, so the GSI, reprocess and the digest
 * never see them as failures.
 */
export const HEARTBEAT = {
  /** Every heartbeat's pk starts with this; a slot number follows. */
  pkPrefix: 'failure-digest#heartbeat#',
  status: 'HEARTBEAT',
} as const;

/** How often a round is written: the resolution of the evidence, and a bound on how long a finished day waits for it. */
export const HEARTBEAT_EVERY_MINUTES = 5;

/** The mapping's second filter pattern: heartbeat inserts and overwrites. */
export const HEARTBEAT_FILTER = {
  eventName: ['INSERT', 'MODIFY'],
  dynamodb: { Keys: { [EXECUTION_LOG_TABLE.partitionKey]: { S: [{ prefix: HEARTBEAT.pkPrefix }] } } },
} as const;

export interface Heartbeat {
  readonly slot: number;
  /** When its round wrote it. */
  readonly writtenMs: number;
}

const A = EXECUTION_LOG_TABLE.attributes;

export const heartbeatPk = (slot: number): string => `${HEARTBEAT.pkPrefix}${slot}`;

/** The execution-log item of one slot's heartbeat; a round overwrites the same few items each time. */
export function heartbeatItem(slot: number, writtenMs: number): Record<string, unknown> {
  return { [EXECUTION_LOG_TABLE.partitionKey]: heartbeatPk(slot), [A.status]: HEARTBEAT.status, [A.eventTs]: writtenMs };
}

/** The heartbeat a stream record carries, if it is one of ours. Pure. */
export function readHeartbeat(record: DynamoDBRecord): Heartbeat | undefined {
  if (record.eventName !== 'INSERT' && record.eventName !== 'MODIFY') return undefined;
  const image = record.dynamodb?.NewImage as Record<string, AttributeValue> | undefined;
  const pk = image?.[EXECUTION_LOG_TABLE.partitionKey]?.S;
  if (!pk?.startsWith(HEARTBEAT.pkPrefix) || image?.[A.status]?.S !== HEARTBEAT.status) return undefined;
  const slot = Number(pk.slice(HEARTBEAT.pkPrefix.length));
  const writtenMs = Number(image[A.eventTs]?.N);
  if (!Number.isInteger(slot) || slot < 0 || !Number.isFinite(writtenMs)) return undefined;
  return { slot, writtenMs };
}
