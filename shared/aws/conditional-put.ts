import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { NamedExpression } from './expression.ts';

/**
 * Puts `item` only where `condition` holds on the stored one. False when it
 * did not hold: the stored item stays as it was, which for these writes is
 * an answer, not an error.
 */
export async function putIf(
  doc: DynamoDBDocumentClient,
  table: string,
  item: Record<string, unknown>,
  condition: NamedExpression,
  values?: Record<string, unknown>,
): Promise<boolean> {
  try {
    await doc.send(
      new PutCommand({
        TableName: table,
        Item: item,
        ConditionExpression: condition.expression,
        ExpressionAttributeNames: condition.names,
        ...(values ? { ExpressionAttributeValues: values } : {}),
      }),
    );
    return true;
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) return false;
    throw e;
  }
}
