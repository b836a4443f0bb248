import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { ExecutionLogTable } from './execution-log-table.ts';

/** What a function that captures execution-log stream records into the summary table is built from. */
export interface CaptureFunctionProps {
  /** The table whose stream is read. */
  readonly source: ExecutionLogTable;
  readonly summaryTable: dynamodb.ITable;
  readonly reportTz: string;
  readonly retentionDays: number;
  /** @default 'INFO' */
  readonly logLevel?: string;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}
