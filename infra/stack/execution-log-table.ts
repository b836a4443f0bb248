import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { EXECUTION_LOG_TABLE } from '../../shared/tables.ts';

export interface ExecutionLogTableProps {
  /**
   * Name of the `status`/`event_ts` index the digest queries.
   * @default 'gsi_status_ts'
   */
  readonly gsiName?: string;
  /**
   * The user's existing table: when given, nothing is created and the stack
   * only reads its stream and index.
   * @default - a new table is created
   */
  readonly existing?: {
    readonly tableArn: string;
    readonly streamArn: string;
  };
}

/**
 * The execution-log table the writers fill: created from the shared
 * definition, or the user's own table attached by ARN.
 */
export class ExecutionLogTable extends Construct {
  readonly table: dynamodb.ITable;
  readonly tableName: string;
  readonly tableArn: string;
  readonly streamArn: string;
  readonly gsiName: string;
  /** ARN of the index, the only part of the table the digest reads. */
  readonly gsiArn: string;
  /** False when attached to an existing table. */
  readonly created: boolean;

  constructor(scope: Construct, id: string, props: ExecutionLogTableProps = {}) {
    super(scope, id);
    const t = EXECUTION_LOG_TABLE;
    this.gsiName = props.gsiName ?? t.gsi.defaultName;

    if (props.existing) {
      this.table = dynamodb.Table.fromTableAttributes(this, 'Imported', {
        tableArn: props.existing.tableArn,
        tableStreamArn: props.existing.streamArn,
        globalIndexes: [this.gsiName],
      });
      this.streamArn = props.existing.streamArn;
      this.created = false;
    } else {
      const table = new dynamodb.Table(this, 'Table', {
        partitionKey: { name: t.partitionKey, type: dynamodb.AttributeType.STRING },
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        stream: dynamodb.StreamViewType[t.streamViewType],
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        // It holds the writers' own records, not ours to drop with the stack.
        removalPolicy: RemovalPolicy.RETAIN,
      });
      // The index is keyed on a low-cardinality status: it serves the digest's
      // fallback and backfills, while day-sharded summaries absorb failure storms.
      table.addGlobalSecondaryIndex({
        indexName: this.gsiName,
        partitionKey: { name: t.gsi.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: t.gsi.sortKey, type: dynamodb.AttributeType.NUMBER },
        projectionType: dynamodb.ProjectionType.ALL,
      });
      this.table = table;
      this.streamArn = table.tableStreamArn!;
      this.created = true;
    }
    this.tableName = this.table.tableName;
    this.tableArn = this.table.tableArn;
    this.gsiArn = `${this.tableArn}/index/${this.gsiName}`;
  }
}
