import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { namesOf, type NamedExpression, type SetExpression } from './expression.ts';

/** Whether a conditional write went through: false when its condition did not hold, which is an answer, not an error. */
export async function conditionHeld(sent: Promise<unknown>): Promise<boolean> {
  try {
    await sent;
    return true;
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) return false;
    throw e;
  }
}

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
  return conditionHeld(
    doc.send(
      new PutCommand({
        TableName: table,
        Item: item,
        ConditionExpression: condition.expression,
        ExpressionAttributeNames: condition.names,
        ...(values ? { ExpressionAttributeValues: values } : {}),
      }),
    ),
  );
}

/**
 * Applies `update` (a SET, optionally followed by `extra` clauses such as a
 * REMOVE) to the item at `key` only where `condition` holds. False when it
 * did not hold, as `putIf`.
 */
export async function updateIf(
  doc: DynamoDBDocumentClient,
  table: string,
  key: Record<string, unknown>,
  update: SetExpression,
  condition: NamedExpression,
  values: Record<string, unknown> = {},
  extra?: NamedExpression,
): Promise<boolean> {
  return conditionHeld(
    doc.send(
      new UpdateCommand({
        TableName: table,
        Key: key,
        UpdateExpression: extra ? `${update.expression} ${extra.expression}` : update.expression,
        ConditionExpression: condition.expression,
        ExpressionAttributeNames: namesOf(update, condition, ...(extra ? [extra] : [])),
        ExpressionAttributeValues: { ...update.values, ...values },
      }),
    ),
  );
}
