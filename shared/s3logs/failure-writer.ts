import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchPutAll } from '../aws/batch-write.ts';
import type { FailureItem } from './items.ts';

/**
 * Writes FAILED items into the execution-log table, where the stream consumer
 * captures them like any writer's. Keys are deterministic, so a log object
 * read twice rewrites the same items and adds none.
 */
export class FailureWriter {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  /** Items whose message never changes (failures outside uploads), 25 per request. */
  async putAll(items: readonly FailureItem[]): Promise<number> {
    const unique = new Map(items.map((i) => [i.pk, i]));
    await batchPutAll(this.doc, this.tableName, [...unique.values()] as unknown as Record<string, unknown>[]);
    return unique.size;
  }

  /** Replaces an item that exists, unless it was written from more evidence; writes nothing where there is none. */
  async replaceIfPresent(item: FailureItem): Promise<boolean> {
    return this.put(item, 'attribute_exists(pk) AND (attribute_not_exists(#ev) OR #ev <= :ev)');
  }

  /**
   * An upload's item, unless the table already holds one written from more
   * evidence. True when written.
   */
  async putUnlessBetterKnown(item: FailureItem): Promise<boolean> {
    return this.put(item, 'attribute_not_exists(pk) OR attribute_not_exists(#ev) OR #ev <= :ev');
  }

  private async put(item: FailureItem, condition: string): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item as unknown as Record<string, unknown>,
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#ev': 'evidence' },
          ExpressionAttributeValues: { ':ev': item.evidence ?? 0 },
        }),
      );
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return false;
      throw e;
    }
  }
}
