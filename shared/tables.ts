import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

const ATTRIBUTES = {
  status: 'status',
  /** Epoch milliseconds. */
  eventTs: 'event_ts',
  message: 'message',
  /** Optional: the process a failure belongs to, where the pk does not say it. */
  process: 'process',
  /** Optional: where a failure was found, shown in the digest; execution-log when absent. */
  source: 'source',
} as const;

/**
 * The execution-log table's one definition (the summary table's is in
 * summary/model/table.ts). The CDK stack and the local stack both build the
 * table from these constants, so what is tested locally is what is deployed.
 */
export const EXECUTION_LOG_TABLE = {
  defaultName: 'execution-logs',
  partitionKey: 'pk',
  attributes: ATTRIBUTES,
  /** What the S3 access-log ingester adds to the FAILED items it writes, so a reader can trace them back. */
  s3Attributes: {
    bucket: 's3_bucket',
    key: 's3_key',
    requestId: 'request_id',
    operation: 'operation',
    httpStatus: 'http_status',
    errorCode: 'error_code',
    uploadId: 'upload_id',
    /** How much of its upload an item was written from; a write with less never replaces one with more. */
    evidence: 'evidence',
  },
  gsi: { defaultName: 'gsi_status_ts', partitionKey: ATTRIBUTES.status, sortKey: ATTRIBUTES.eventTs },
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
