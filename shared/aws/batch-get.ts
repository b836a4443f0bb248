import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { sendUntilProcessed, UNPROCESSED_RETRIES } from './retry.ts';

const BATCH_GET_MAX = 100;

export class UnprocessedKeysError extends Error {
  constructor(table: string, count: number) {
    super(`BatchGetItem left ${count} key(s) of ${table} unprocessed after ${UNPROCESSED_RETRIES} retries`);
    this.name = 'UnprocessedKeysError';
  }
}

/** Gets every key that exists, 100 per BatchGetItem, retrying UnprocessedKeys with backoff; in no particular order. */
export async function batchGetAll(doc: DynamoDBDocumentClient, table: string, keys: readonly Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += BATCH_GET_MAX) {
    const left = await sendUntilProcessed(keys.slice(i, i + BATCH_GET_MAX), async (pending) => {
      const page = await doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending } } }));
      out.push(...(page.Responses?.[table] ?? []));
      return (page.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
    });
    if (left.length > 0) throw new UnprocessedKeysError(table, left.length);
  }
  return out;
}
