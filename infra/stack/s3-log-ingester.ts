import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { WRITES } from '../../shared/s3logs/rules.ts';
import { SWEEP_SOURCE } from '../../shared/s3logs/sweep.ts';
import { s3LogEnv } from '../../shared/settings/components.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import type { ExecutionLogTable } from './execution-log-table.ts';
import { acknowledge, acknowledgeWildcardResource } from './nag.ts';
import { NodeFunction } from './node-function.ts';
import { grantSummaryAccess, SUMMARY_ACCESS } from './summary-access.ts';

// The id CDK gives its one bucket-notification function per stack.
const NOTIFICATIONS_HANDLER_ID = 'BucketNotificationsHandler050a0587b7544547bf325f094a3db834';

export interface S3LogIngesterProps {
  /** Where the FAILED items go. */
  readonly executionLog: ExecutionLogTable;
  /** Where upload state is kept. */
  readonly summaryTable: dynamodb.ITable;
  readonly retentionDays: number;
  /**
   * The user's log bucket, the target of their buckets' server access logging.
   * @default - a log bucket is created
   */
  readonly existingBucketName?: string;
  /**
   * The target prefix the logs are written under; only objects below it are read.
   * @default '' (the whole bucket)
   */
  readonly logPrefix?: string;
  /** Source buckets whose failures count. @default [] (all) */
  readonly buckets?: readonly string[];
  /** Key prefixes whose failures count. @default [] (all) */
  readonly prefixes?: readonly string[];
  /** Operations whose failures count. @default ['writes'] */
  readonly operations?: readonly string[];
  /** Time a multipart upload has to complete. */
  readonly graceHours: number;
  /**
   * How often uploads past their grace period are judged when no new log
   * object touches them.
   * @default Duration.hours(1)
   */
  readonly sweepEvery?: Duration;
  /** @default 'INFO' */
  readonly logLevel?: string;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Reads each S3 server access log object as it is delivered (S3 ObjectCreated
 * on the log bucket) and writes the failed requests and unfinished multipart
 * uploads it finds into the execution-log table, from where the stream
 * consumer captures them for the digest. A schedule runs the same function to
 * judge uploads whose grace period has passed without a later log object.
 */
export class S3LogIngester extends Construct {
  readonly bucket: s3.IBucket;
  /** False when the user's bucket is used. */
  readonly bucketCreated: boolean;
  readonly logPrefix: string;
  readonly fn: lambda.IFunction;
  readonly function: NodeFunction;
  readonly deadLetterQueue: DeadLetterQueue;
  readonly sweep: scheduler.Schedule;
  /** What the sweep schedule acts as: it may invoke the ingester and write to its queue. */
  readonly sweepRole: iam.Role;

  constructor(scope: Construct, id: string, props: S3LogIngesterProps) {
    super(scope, id);
    this.logPrefix = props.logPrefix ?? '';
    this.bucketCreated = props.existingBucketName === undefined;
    this.bucket = props.existingBucketName !== undefined
      ? s3.Bucket.fromBucketName(this, 'LogBucket', props.existingBucketName)
      : this.createLogBucket(props.buckets ?? []);

    this.function = new NodeFunction(this, 'Handler', {
      entry: 'functions/s3-log-ingester/index.ts',
      description: 'failure-digest S3 log ingester: failed requests and unfinished uploads into the execution log',
      environment: s3LogEnv({
        executionTable: props.executionLog.tableName,
        summaryTable: props.summaryTable.tableName,
        retentionDays: props.retentionDays,
        rules: {
          buckets: props.buckets ?? [],
          prefixes: props.prefixes ?? [],
          operations: props.operations ?? [WRITES],
          graceHours: props.graceHours,
        },
      }),
      // A log object is usually kilobytes; a busy bucket's can be large, and it is streamed.
      timeout: Duration.minutes(5),
      memorySize: 512,
      ...(props.logLevel !== undefined && { logLevel: props.logLevel }),
      ...(props.logRetention !== undefined && { logRetention: props.logRetention }),
    });
    this.fn = this.function.fn;
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetters');

    const role = this.function.role;
    const logObjects = this.bucket.arnForObjects(`${this.logPrefix}*`);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [logObjects] }));
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:PutItem', 'dynamodb:BatchWriteItem'], resources: [props.executionLog.tableArn] }),
    );
    grantSummaryAccess(role, props.summaryTable, SUMMARY_ACCESS.s3LogIngester);

    // S3 invokes asynchronously: a log object that still fails after Lambda's
    // retries lands in the queue, to be read again (reading twice adds nothing).
    this.fn.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.deadLetterQueue.queue),
    });
    this.bucket.addEventNotification(
      s3.EventType.OBJECT_CREATED,
      new LambdaDestination(this.fn),
      ...(this.logPrefix ? [{ prefix: this.logPrefix }] : []),
    );

    const account = Stack.of(this).account;
    this.sweepRole = new iam.Role(this, 'SweepRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
      description: 'Lets the failure-digest upload sweep invoke the S3 log ingester',
    });
    this.sweep = new scheduler.Schedule(this, 'Sweep', {
      description: 'failure-digest: judge multipart uploads whose grace period has passed',
      schedule: scheduler.ScheduleExpression.rate(props.sweepEvery ?? Duration.hours(1)),
      target: new targets.LambdaInvoke(this.fn, {
        role: this.sweepRole,
        input: scheduler.ScheduleTargetInput.fromObject({ source: SWEEP_SOURCE }),
        deadLetterQueue: this.deadLetterQueue.queue,
        retryAttempts: 3,
        // The next run does the same work an hour later anyway.
        maxEventAge: Duration.hours(1),
      }),
    });

    acknowledgeWildcardResource(
      role,
      logObjects,
      'The ingester reads the log objects S3 delivers under the log prefix; their names (time and a random id) are not known in advance.',
    );
    acknowledgeWildcardResource(
      this.sweepRole,
      `${this.fn.functionArn}:*`,
      'The role may invoke only the ingester; the ":*" form covers its versions and aliases and is what the LambdaInvoke target grants.',
    );
    this.acknowledgeNotificationHandler();
  }

  /**
   * A bucket only for access logs: S3-managed keys (log delivery does not
   * support SSE-KMS on the target bucket), no public access, TLS only, owner
   * enforced, and a policy that lets the S3 logging service of this account
   * write under the prefix.
   */
  private createLogBucket(sourceBuckets: readonly string[]): s3.Bucket {
    const bucket = new s3.Bucket(this, 'LogBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Compliance evidence: not ours to delete with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const stack = Stack.of(this);
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'S3ServerAccessLogsPolicy',
        principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects(`${this.logPrefix}*`)],
        conditions: {
          // Source buckets must be in this account; when they are named, only they may log here.
          StringEquals: { 'aws:SourceAccount': stack.account },
          ...(sourceBuckets.length > 0 && {
            ArnLike: { 'aws:SourceArn': sourceBuckets.map((b) => `arn:${stack.partition}:s3:::${b}`) },
          }),
        },
      }),
    );
    acknowledge(
      bucket,
      'AwsSolutions-S1',
      'This bucket is itself the server access log target; logging it would need yet another bucket, and logging it into itself, which AWS advises against, makes every delivery produce more logs.',
    );
    return bucket;
  }

  /** CDK puts the notification configuration through its own singleton function at deploy time. */
  private acknowledgeNotificationHandler(): void {
    const handler = Stack.of(this).node.tryFindChild(NOTIFICATIONS_HANDLER_ID);
    if (!handler) return;
    acknowledge(
      handler,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      "CDK's BucketNotificationsHandler, which runs only during deployment to set the log bucket's notification; its role and the basic execution policy are CDK's own.",
    );
  }
}
