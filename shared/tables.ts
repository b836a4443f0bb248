import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The execution-log table's one definition (the summary table's is in
 * summary/model/table.ts). The CDK stack and the local stack both build the
 * table from these constants, so what is tested locally is what is deployed.
 */
export const EXECUTION_LOG_TABLE = {
  defaultName: 'execution-logs',
  partitionKey: 'pk',
  attributes: { status: 'status', eventTs: 'event_ts', message: 'message' },
  gsi: { defaultName: 'gsi_status_ts', partitionKey: 'status', sortKey: 'event_ts' },
  streamViewType: 'NEW_AND_OLD_IMAGES',
  failedStatus: 'FAILED',
} as const;

export function executionLogTableInput(tableName: string, gsiName: string): CreateTableCommandInput {
  const t = EXECUTION_LOG_TABLE;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: t.partitionKey, AttributeType: 'S' },
      { AttributeName: t.gsi.partitionKey, AttributeType: 'S' },
      { AttributeName: t.gsi.sortKey, AttributeType: 'N' },
    ],
    KeySchema: [{ AttributeName: t.partitionKey, KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [
      {
        IndexName: gsiName,
        KeySchema: [
          { AttributeName: t.gsi.partitionKey, KeyType: 'HASH' },
          { AttributeName: t.gsi.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
    StreamSpecification: { StreamEnabled: true, StreamViewType: t.streamViewType },
  };
}
