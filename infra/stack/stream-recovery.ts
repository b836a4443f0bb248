import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ON_FAILURE_QUEUE } from '../../shared/recovery/on-failure-queue.ts';
import { captureEnv } from '../../shared/settings/components.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import type { CaptureFunctionProps } from './capture-props.ts';
import { NodeFunction } from './node-function.ts';
import { grantSummaryAccess, SUMMARY_ACCESS } from './summary-access.ts';

/** The stream consumer's: the records are read back from its stream and captured alike. */
export type StreamRecoveryProps = CaptureFunctionProps;

/**
 * Recovers what the stream mapping gives up on. Its on-failure destination is
 * `queue`; the on-failure function reads each range back from the stream and
 * captures it, with the settings of `ON_FAILURE_QUEUE`. A range that fails
 * every delivery goes to `deadLetterQueue`, for an alarm and `failure-digest replay`.
 */
export class StreamRecovery extends Construct {
  /** The stream mapping's on-failure destination. */
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: DeadLetterQueue;
  readonly fn: lambda.IFunction;
  readonly function: NodeFunction;

  constructor(scope: Construct, id: string, props: StreamRecoveryProps) {
    super(scope, id);
    const q = ON_FAILURE_QUEUE;
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetters');
    // Encrypted and TLS-only like the dead-letter queues: Lambda's service principal sends without key grants.
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      visibilityTimeout: Duration.seconds(q.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: this.deadLetterQueue.queue, maxReceiveCount: q.maxReceiveCount },
    });

    this.function = new NodeFunction(this, 'Handler', {
      entry: 'functions/on-failure/index.ts',
      description: 'failure-digest on-failure: reads dropped stream records back and captures them',
      environment: captureEnv({ summaryTable: props.summaryTable.tableName, reportTz: props.reportTz, retentionDays: props.retentionDays }),
      timeout: Duration.seconds(q.functionTimeoutSeconds),
      ...(props.logLevel !== undefined && { logLevel: props.logLevel }),
      ...(props.logRetention !== undefined && { logRetention: props.logRetention }),
    });
    this.fn = this.function.fn;

    // The one stream, read by sequence number; DescribeStream tells a trimmed range from a wrong one.
    this.function.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:DescribeStream', 'dynamodb:GetShardIterator', 'dynamodb:GetRecords'],
        resources: [props.source.streamArn],
      }),
    );
    grantSummaryAccess(this.function.role, props.summaryTable, SUMMARY_ACCESS.streamRecovery);

    this.function.fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: q.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: q.maxConcurrency,
      }),
    );
  }
}
