import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { sendUntilProcessed, UNPROCESSED_RETRIES } from './retry.ts';

const BATCH_WRITE_MAX = 25;

export class UnprocessedItemsError extends Error {
  constructor(table: string, count: number) {
    super(`BatchWriteItem left ${count} item(s) of ${table} unprocessed after ${UNPROCESSED_RETRIES} retries`);
    this.name = 'UnprocessedItemsError';
  }
}

/** Puts every item, 25 per BatchWriteItem, retrying UnprocessedItems with backoff. */
export async function batchPutAll(
  doc: DynamoDBDocumentClient,
  table: string,
  items: readonly Record<string, unknown>[],
  concurrency = 4,
): Promise<void> {
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += BATCH_WRITE_MAX) chunks.push(items.slice(i, i + BATCH_WRITE_MAX));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++]!;
      const requests = chunk.map((Item) => ({ PutRequest: { Item } }));
      const left = await sendUntilProcessed(requests, async (pending) => {
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
        return (out.UnprocessedItems?.[table] ?? []) as typeof requests;
      });
      if (left.length > 0) throw new UnprocessedItemsError(table, left.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, chunks.length) }, worker));
}
