import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  waitUntilTableExists,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { summaryTableInput } from '../../shared/summary/model/table.ts';
import { executionLogTableInput } from '../../shared/tables.ts';

/** Creates a table unless it exists; true when it was created now. */
export async function ensureTable(dynamodb: DynamoDBClient, input: CreateTableCommandInput): Promise<boolean> {
  let created = true;
  try {
    await dynamodb.send(new CreateTableCommand(input));
  } catch (e) {
    if (!(e instanceof ResourceInUseException)) throw e;
    created = false;
  }
  await waitUntilTableExists({ client: dynamodb, maxWaitTime: 60, minDelay: 1 }, { TableName: input.TableName });
  return created;
}

export interface LocalTables {
  readonly executionTableCreated: boolean;
  readonly streamArn: string;
}

/** Both tables from the same definitions the CDK stack deploys. */
export async function ensureLocalTables(dynamodb: DynamoDBClient, config: DigestConfig): Promise<LocalTables> {
  const [executionTableCreated] = await Promise.all([
    ensureTable(dynamodb, executionLogTableInput(config.executionTable, config.gsiName)),
    ensureTable(dynamodb, summaryTableInput(config.summaryTable)),
  ]);
  const described = await dynamodb.send(new DescribeTableCommand({ TableName: config.executionTable }));
  const streamArn = described.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`Table ${config.executionTable} has no stream; enable NEW_AND_OLD_IMAGES streams on it`);
  return { executionTableCreated, streamArn };
}
