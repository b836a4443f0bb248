import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { SUMMARY_TABLE } from '../../shared/summary/model/table.ts';

export interface SummaryTableProps {
  /**
   * What happens to the table when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The summary table: every kind of item in shared/summary/model (per-day
 * failure entries, the digest's send ledger, S3 upload state, ...). Items
 * carry their own expiry (the model's TTL attribute, set by the writers from
 * the retention days), so TTL trims the table without a sweeper.
 */
export class SummaryTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: SummaryTableProps = {}) {
    super(scope, id);
    const t = SUMMARY_TABLE;
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: t.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: t.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: t.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }
}
