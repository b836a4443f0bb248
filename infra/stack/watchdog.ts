import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { laterBy, type LocalTime } from '../../shared/settings/checks.ts';
import { watchdogEnv } from '../../shared/settings/components.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import { DigestSchedule } from './digest-schedule.ts';
import { NodeFunction } from './node-function.ts';
import { grantSummaryAccess, SUMMARY_ACCESS } from './summary-access.ts';

export interface WatchdogProps {
  readonly summaryTable: dynamodb.ITable;
  readonly reportTz: string;
  /** When the digest is due. */
  readonly reportAt: LocalTime;
  /** Minutes after `reportAt` by which the day must be confirmed sent. */
  readonly marginMinutes: number;
  /** Told when it is not: the alarm topic. */
  readonly topic: sns.ITopic;
  /** @default 'INFO' */
  readonly logLevel?: string;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  readonly checkFromMs?: number;
}

/**
 * A check of its own, on a schedule of its own, that the digest's day was
 * confirmed on the send ledger: it also catches the digest that never ran
 * (a deleted schedule, a function that cannot start).
 */
export class Watchdog extends Construct {
  readonly fn: lambda.IFunction;
  readonly function: NodeFunction;
  readonly deadLetterQueue: DeadLetterQueue;
  readonly schedule: DigestSchedule;

  constructor(scope: Construct, id: string, props: WatchdogProps) {
    super(scope, id);
    this.function = new NodeFunction(this, 'Handler', {
      entry: 'functions/watchdog/index.ts',
      description: "failure-digest watchdog: tells the administrators when a day's digest was not confirmed in time",
      environment: watchdogEnv({
        summaryTable: props.summaryTable.tableName,
        reportTz: props.reportTz,
        reportAt: props.reportAt,
        watchdogMarginMinutes: props.marginMinutes,
        adminTopicArn: props.topic.topicArn,
      }),
      timeout: Duration.seconds(30),
      ...(props.logLevel !== undefined && { logLevel: props.logLevel }),
      ...(props.logRetention !== undefined && { logRetention: props.logRetention }),
    });
    this.fn = this.function.fn;
    grantSummaryAccess(this.function.role, props.summaryTable, SUMMARY_ACCESS.watchdog);
    props.topic.grantPublish(this.function.role);

    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetters');
    this.fn.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6), onFailure: new SqsDestination(this.deadLetterQueue.queue) });
    this.schedule = new DigestSchedule(this, 'Daily', {
      target: this.fn,
      deadLetterQueue: this.deadLetterQueue.queue,
      reportTz: props.reportTz,
      reportAt: laterBy(props.reportAt, props.marginMinutes),
      what: 'digest watchdog',
      ...(props.checkFromMs !== undefined && { checkFromMs: props.checkFromMs }),
    });
  }
}
