import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { STREAM_MAPPING } from '../../shared/capture/stream-mapping.ts';
import { captureEnv } from '../../shared/settings/components.ts';
import type { CaptureFunctionProps } from './capture-props.ts';
import { acknowledgeWildcardResource } from './nag.ts';
import { NodeFunction } from './node-function.ts';
import { grantSummaryAccess, SUMMARY_ACCESS } from './summary-access.ts';

export interface StreamConsumerProps extends CaptureFunctionProps {
  /** Where the mapping sends what it gives up on: where the records were, never the records. */
  readonly onFailureQueue: sqs.IQueue;
}

/**
 * Copies each FAILED write from the execution-log stream into the summary
 * table, through a mapping with the settings of `STREAM_MAPPING`, which the
 * local poller reproduces.
 */
export class StreamConsumer extends Construct {
  readonly fn: lambda.IFunction;
  readonly function: NodeFunction;
  readonly mapping: lambda.EventSourceMapping;
  readonly onFailureQueue: sqs.IQueue;

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
    this.onFailureQueue = props.onFailureQueue;

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
    grantSummaryAccess(this.function.role, props.summaryTable, SUMMARY_ACCESS.streamConsumer);

    const m = STREAM_MAPPING;
    this.mapping = new lambda.EventSourceMapping(this, 'Mapping', {
      target: this.fn,
      eventSourceArn: props.source.streamArn,
      startingPosition: lambda.StartingPosition[m.startingPosition],
      batchSize: m.batchSize,
      maxBatchingWindow: Duration.seconds(m.maximumBatchingWindowInSeconds),
      reportBatchItemFailures: m.reportBatchItemFailures,
      bisectBatchOnError: m.bisectBatchOnFunctionError,
      retryAttempts: m.maximumRetryAttempts,
      maxRecordAge: Duration.seconds(m.maximumRecordAgeInSeconds),
      onFailure: new SqsDlq(this.onFailureQueue),
      filters: m.filters.map((f) => lambda.FilterCriteria.filter(f)),
    });

    acknowledgeWildcardResource(
      this.function.role,
      listStreamsOn,
      'ListStreams is scoped to the streams of the one execution-log table; a stream label changes whenever the stream is re-enabled, so it cannot be named in advance.',
    );
  }
}
