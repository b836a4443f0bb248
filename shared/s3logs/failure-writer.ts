import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchPutAll } from '../aws/batch-write.ts';
import { expr, type NamedExpression } from '../aws/expression.ts';
import { EXECUTION_LOG_TABLE } from '../tables.ts';
import type { S3Failure } from './items.ts';
import { executionLogItem } from './log-item.ts';

const PK = EXECUTION_LOG_TABLE.partitionKey;
const EVIDENCE = EXECUTION_LOG_TABLE.s3Attributes.evidence;

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

  /** Failures whose message never changes (failures outside uploads), 25 per request. */
  async putAll(failures: readonly S3Failure[]): Promise<number> {
    const unique = new Map(failures.map((f) => [f.pk, f]));
    await batchPutAll(this.doc, this.tableName, [...unique.values()].map(executionLogItem));
    return unique.size;
  }

  /** Replaces an item that exists, unless it was written from more evidence; writes nothing where there is none. */
  async replaceIfPresent(failure: S3Failure): Promise<boolean> {
    return this.put(failure, expr`attribute_exists(${PK}) AND (attribute_not_exists(${EVIDENCE}) OR ${EVIDENCE} <= :ev)`);
  }

  /**
   * An upload's item, unless the table already holds one written from more
   * evidence. True when written.
   */
  async putUnlessBetterKnown(failure: S3Failure): Promise<boolean> {
    return this.put(failure, expr`attribute_not_exists(${PK}) OR attribute_not_exists(${EVIDENCE}) OR ${EVIDENCE} <= :ev`);
  }

  private async put(failure: S3Failure, condition: NamedExpression): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: executionLogItem(failure),
          ConditionExpression: condition.expression,
          ExpressionAttributeNames: condition.names,
          ExpressionAttributeValues: { ':ev': failure.evidence ?? 0 },
        }),
      );
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return false;
      throw e;
    }
  }
}
