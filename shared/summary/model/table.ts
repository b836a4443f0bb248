import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The summary table: one table for every kind of item failure-digest keeps
 * (see kinds.ts). The CDK stack and the local stack both build it from this
 * definition, so what is tested locally is what is deployed.
 */
export const SUMMARY_TABLE = {
  defaultName: 'failure-digest-summary',
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds, set by the writers from the retention days, so TTL trims the table without a sweeper. */
  ttlAttribute: 'expires_at',
} as const;

/** An item as the document client reads and writes it. */
export type SummaryItem = Record<string, unknown>;

/** The primary key of one item. */
export interface SummaryKey {
  readonly pk: string;
  readonly sk: string;
}

const DAY_MS = 86_400_000;

/** The TTL value of an item about something that happened at `fromMs`. */
export function expiresAt(fromMs: number, retentionDays: number): number {
  return Math.floor((fromMs + retentionDays * DAY_MS) / 1000);
}

/** The key attributes of an item, named as the table names them. */
export function keyItem(key: SummaryKey): SummaryItem {
  return { [SUMMARY_TABLE.partitionKey]: key.pk, [SUMMARY_TABLE.sortKey]: key.sk };
}

/** The key of a stored item. */
export function keyOf(item: SummaryItem): SummaryKey {
  return { pk: String(item[SUMMARY_TABLE.partitionKey]), sk: String(item[SUMMARY_TABLE.sortKey]) };
}

export function summaryTableInput(tableName: string): CreateTableCommandInput {
  const t = SUMMARY_TABLE;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: t.partitionKey, AttributeType: 'S' },
      { AttributeName: t.sortKey, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: t.partitionKey, KeyType: 'HASH' },
      { AttributeName: t.sortKey, KeyType: 'RANGE' },
    ],
  };
}
