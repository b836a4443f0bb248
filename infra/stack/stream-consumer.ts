import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FAILED_WRITES_FILTER } from '../../shared/capture/stream-filter.ts';
import { captureEnv } from '../../shared/settings/components.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import type { ExecutionLogTable } from './execution-log-table.ts';
import { acknowledgeWildcardResource } from './nag.ts';
import { NodeFunction } from './node-function.ts';

export interface StreamConsumerProps {
  readonly source: ExecutionLogTable;
  readonly summaryTable: dynamodb.ITable;
  readonly reportTz: string;
  readonly retentionDays: number;
  /** @default 'INFO' */
  readonly logLevel?: string;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Records per invocation. Each FAILED record becomes one idempotent PutItem,
   * written concurrently, so 100 records take well under a second: far
   * inside the timeout even when throttled writes back off, and a batch that
   * errors is bisected down to its bad record in at most seven splits.
   * @default 100
   */
  readonly batchSize?: number;
  /**
   * How long Lambda gathers records before invoking. The filter lets only
   * failures through, so in quiet times batches are tiny; during a failure
   * storm the window lets them fill instead of invoking once per record. A few
   * seconds of delay are nothing to a daily digest.
   * @default Duration.seconds(5)
   */
  readonly maxBatchingWindow?: Duration;
  /**
   * Retries of a failing batch before its records go to the dead-letter
   * queue. Unreadable records are filed, not thrown, so what fails here is a
   * write (throttling, an outage): worth a few tries, not an endless loop that
   * stalls the shard.
   * @default 10
   */
  readonly retryAttempts?: number;
  /**
   * Records older than this skip the function and go to the dead-letter queue.
   * Well under the stream's 24 h retention, so they can still be read from the
   * stream by their sequence numbers, and well over the iterator-age alarm, so
   * people hear about a lag hours before anything is dropped.
   * @default Duration.hours(6)
   */
  readonly maxRecordAge?: Duration;
}

/**
 * Copies each FAILED write from the execution-log stream into the summary
 * table, under the stream semantics the local poller reproduces.
 */
export class StreamConsumer extends Construct {
  readonly fn: lambda.IFunction;
  readonly function: NodeFunction;
  readonly mapping: lambda.EventSourceMapping;
  readonly deadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: StreamConsumerProps) {
    super(scope, id);
    this.function = new NodeFunction(this, 'Handler', {
      entry: 'functions/stream-consumer/index.ts',
      description: 'failure-digest stream consumer: FAILED execution-log writes into the summary table',
      environment: captureEnv({ summaryTable: props.summaryTable.tableName, reportTz: props.reportTz, retentionDays: props.retentionDays }),
      timeout: Duration.seconds(60),
      ...(props.logLevel !== undefined && { logLevel: props.logLevel }),
      ...(props.logRetention !== undefined && { logRetention: props.logRetention }),
    });
    this.fn = this.function.fn;
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetters');

    // Written out rather than table.grantStreamRead(), which allows
    // dynamodb:ListStreams on every resource.
    this.function.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
        resources: [props.source.streamArn],
      }),
    );
    const listStreamsOn = `${props.source.tableArn}/stream/*`;
    this.function.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:ListStreams'], resources: [listStreamsOn] }),
    );
    this.function.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'],
        resources: [props.summaryTable.tableArn],
      }),
    );

    this.mapping = new lambda.EventSourceMapping(this, 'Mapping', {
      target: this.fn,
      eventSourceArn: props.source.streamArn,
      // TRIM_HORIZON: the first deployment also captures what is already in
      // the stream (up to 24 h), not only writes after the mapping exists.
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: props.batchSize ?? 100,
      maxBatchingWindow: props.maxBatchingWindow ?? Duration.seconds(5),
      reportBatchItemFailures: true,
      bisectBatchOnError: true,
      retryAttempts: props.retryAttempts ?? 10,
      maxRecordAge: props.maxRecordAge ?? Duration.hours(6),
      onFailure: new SqsDlq(this.deadLetterQueue.queue),
      filters: [lambda.FilterCriteria.filter(FAILED_WRITES_FILTER)],
    });

    acknowledgeWildcardResource(
      this.function.role,
      listStreamsOn,
      'ListStreams is scoped to the streams of the one execution-log table; a stream label changes whenever the stream is re-enabled, so it cannot be named in advance.',
    );
  }
}
