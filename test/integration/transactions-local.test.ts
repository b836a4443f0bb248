import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clients } from '../../shared/aws/clients.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { summaryTableInput } from '../../shared/summary/model/table.ts';
import { ensureTable } from '../../infra/local/tables.ts';
import { dropTables, testClients, testConfig } from '../support/local.ts';

/**
 * What DynamoDB Local answers to a cancelled transaction, which the group
 * writes rely on: the cancellation reasons in item order, and the stored item
 * of a failed condition when ReturnValuesOnConditionCheckFailure asks for it.
 */
describe('TransactWriteItems on DynamoDB Local', () => {
  let clients: Clients;
  let config: DigestConfig;

  beforeAll(async () => {
    clients = testClients();
    config = testConfig();
    await ensureTable(clients.dynamodb, summaryTableInput(config.summaryTable));
  });

  afterAll(async () => {
    await dropTables(clients, config);
  });

  it('cancels with ConditionalCheckFailed on the failed item, None on the others, and returns the stored item with ALL_OLD', async () => {
    const TableName = config.summaryTable;
    await clients.doc.send(new PutCommand({ TableName, Item: { pk: 'P', sk: 'S', v: 'stored' } }));
    const error = await clients.doc
      .send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName,
                Item: { pk: 'P', sk: 'S', v: 'new' },
                ConditionExpression: 'attribute_not_exists(pk)',
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            { Update: { TableName, Key: { pk: 'G', sk: 'S' }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': 1 } } },
          ],
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionCanceledException);
    const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
    expect(reasons.map((r) => r.Code)).toEqual(['ConditionalCheckFailed', 'None']);
    // The low-level shape: the document client does not unmarshall cancellation reasons.
    expect(reasons[0]?.Item).toEqual({ pk: { S: 'P' }, sk: { S: 'S' }, v: { S: 'stored' } });
  });
});
