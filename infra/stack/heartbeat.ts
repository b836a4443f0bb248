import { Duration, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { HEARTBEAT, HEARTBEAT_EVERY_MINUTES } from '../../shared/capture/heartbeat.ts';
import { heartbeatEnv } from '../../shared/settings/components.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import type { ExecutionLogTable } from './execution-log-table.ts';
import { acknowledgeWildcardResource } from './nag.ts';
import { NodeFunction } from './node-function.ts';
import { grantSummaryAccess, leadingKeysPrefixCondition, SUMMARY_ACCESS } from './summary-access.ts';

export interface HeartbeatProps {
  readonly source: ExecutionLogTable;
  readonly summaryTable: dynamodb.ITable;
  readonly retentionDays: number;
  /** @default 'INFO' */
  readonly logLevel?: string;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The capture evidence's clock: every few minutes a round of heartbeats goes
 * into the execution-log table and through every stream shard, so the
 * consumer's watermarks move on quiet days too, and the digest can show that
 * capture got past the end of a day. The function may write only heartbeat
 * items into the user's table.
 */
export class Heartbeat extends Construct {
  readonly fn: lambda.IFunction;
  readonly function: NodeFunction;
  readonly deadLetterQueue: DeadLetterQueue;
  readonly schedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: HeartbeatProps) {
    super(scope, id);
    this.function = new NodeFunction(this, 'Handler', {
      entry: 'functions/heartbeat/index.ts',
      description: 'failure-digest heartbeat: a round of heartbeats through every stream shard, for the capture evidence',
      environment: heartbeatEnv({
        executionTable: props.source.tableName,
        summaryTable: props.summaryTable.tableName,
        retentionDays: props.retentionDays,
        streamArn: props.source.streamArn,
      }),
      // A round watches the stream for at most 15 s; the rest is room for throttled writes.
      timeout: Duration.minutes(1),
      ...(props.logLevel !== undefined && { logLevel: props.logLevel }),
      ...(props.logRetention !== undefined && { logRetention: props.logRetention }),
    });
    this.fn = this.function.fn;
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetters');

    const role = this.function.role;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:BatchWriteItem'],
        resources: [props.source.tableArn],
        // Only its own items: the user's runs are not the heartbeat's to touch.
        conditions: leadingKeysPrefixCondition([HEARTBEAT.pkPrefix]),
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:DescribeStream', 'dynamodb:GetShardIterator', 'dynamodb:GetRecords'],
        resources: [props.source.streamArn],
      }),
    );
    grantSummaryAccess(role, props.summaryTable, SUMMARY_ACCESS.heartbeat);

    const scheduleRole = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'Lets the failure-digest heartbeat schedule invoke the heartbeat function',
    });
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: 'failure-digest: a heartbeat round through every stream shard',
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(HEARTBEAT_EVERY_MINUTES)),
      target: new targets.LambdaInvoke(this.fn, {
        role: scheduleRole,
        deadLetterQueue: this.deadLetterQueue.queue,
        retryAttempts: 2,
        // The next round is due by then anyway.
        maxEventAge: Duration.minutes(HEARTBEAT_EVERY_MINUTES),
      }),
    });
    acknowledgeWildcardResource(
      scheduleRole,
      `${this.fn.functionArn}:*`,
      'The role may invoke only the heartbeat function; the ":*" form covers its versions and aliases and is what the LambdaInvoke target grants.',
    );
  }
}
