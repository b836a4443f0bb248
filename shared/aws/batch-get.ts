import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { backoff } from './retry.ts';

const BATCH_GET_MAX = 100;
const MAX_RETRIES = 10;

export class UnprocessedKeysError extends Error {
  constructor(table: string, count: number) {
    super(`BatchGetItem left ${count} key(s) of ${table} unprocessed after ${MAX_RETRIES} retries`);
    this.name = 'UnprocessedKeysError';
  }
}

/** Gets every key that exists, 100 per BatchGetItem, retrying UnprocessedKeys with backoff; in no particular order. */
export async function batchGetAll(doc: DynamoDBDocumentClient, table: string, keys: readonly Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += BATCH_GET_MAX) {
    let pending = keys.slice(i, i + BATCH_GET_MAX);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > MAX_RETRIES) throw new UnprocessedKeysError(table, pending.length);
      if (attempt > 0) await backoff(attempt);
      const page = await doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending } } }));
      out.push(...(page.Responses?.[table] ?? []));
      pending = (page.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return out;
}
