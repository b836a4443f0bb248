import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { digestEnv } from '../../shared/settings/components.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import type { ReportArchive } from './report-archive.ts';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { nameOf } from '../../shared/settings/read.ts';
import { DigestSchedule } from './digest-schedule.ts';
import type { ExecutionLogTable } from './execution-log-table.ts';
import { NodeFunction } from './node-function.ts';
import type { LocalTime } from '../../shared/settings/checks.ts';
import { sesCheckStatements, sesSendStatement } from './ses-send-policy.ts';
import { acknowledgeWildcardResource } from './nag.ts';
import { grantSummaryAccess, SUMMARY_ACCESS } from './summary-access.ts';

export interface DigestProps {
  readonly source: ExecutionLogTable;
  readonly summaryTable: dynamodb.ITable;
  readonly reportTz: string;
  readonly reportAt: LocalTime;
  /** From header as configured, possibly with a display name. */
  readonly sesFrom: string;
  /** Bare address of sesFrom, the only identity the function may send as. */
  readonly sesFromAddress: string;
  readonly sesTo: readonly string[];
  readonly retentionDays: number;
  /** Where a report that could not be sent is kept for a resend. */
  readonly reportArchive: ReportArchive;
  /** Where the stream mapping's dropped ranges wait to be handled: the digest shows no day complete while one waits. */
  readonly dropQueues: readonly sqs.IQueue[];
  /** @default true */
  readonly sendEmpty?: boolean;
  /**
   * Also allow the recipients' identities, as an SES sandbox account requires.
   * @default false
   */
  readonly sesSandbox?: boolean;
  /** @default 'INFO' */
  readonly logLevel?: string;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Instant the schedule's skipped-time check starts from.
   * @default Date.now()
   */
  readonly checkFromMs?: number;
}

/**
 * The daily digest: a function that reads one report day and mails it once,
 * fired by a schedule in the report zone. Both ways it can fail for good end
 * in one queue: a schedule that could not invoke it, and an invocation that
 * still failed after Lambda's own retries.
 */
export class Digest extends Construct {
  readonly fn: lambda.IFunction;
  readonly function: NodeFunction;
  readonly deadLetterQueue: DeadLetterQueue;
  readonly schedule: DigestSchedule;

  constructor(scope: Construct, id: string, props: DigestProps) {
    super(scope, id);
    this.function = new NodeFunction(this, 'Handler', {
      entry: 'functions/digest/index.ts',
      description: 'failure-digest digest: mails the previous report day once',
      environment: digestEnv({
        executionTable: props.source.tableName,
        gsiName: props.source.gsiName,
        summaryTable: props.summaryTable.tableName,
        sesFrom: props.sesFrom,
        sesTo: props.sesTo,
        reportTz: props.reportTz,
        reportAt: props.reportAt,
        sendEmpty: props.sendEmpty ?? true,
        retentionDays: props.retentionDays,
        onFailureQueueUrls: props.dropQueues.map((q) => q.queueUrl),
        reportArchive: props.reportArchive.location,
      }),
      // A storm day can hold many thousands of failures, read from several
      // shards or from the index, and rendered into one message.
      timeout: Duration.minutes(5),
      memorySize: 512,
      ...(props.logLevel !== undefined && { logLevel: props.logLevel }),
      ...(props.logRetention !== undefined && { logRetention: props.logRetention }),
    });
    this.fn = this.function.fn;
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetters');

    const role = this.function.role;
    // It reads the day and its evidence, and writes only its send ledger.
    grantSummaryAccess(role, props.summaryTable, SUMMARY_ACCESS.digest);
    // The completeness check counts what waits in the on-failure queues; it reads nothing else of them.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sqs:GetQueueAttributes'], resources: props.dropQueues.map((q) => q.queueArn) }),
    );
    props.reportArchive.grantKeep(role);
    // The fallback reads the index only, never the base table.
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: [props.source.gsiArn] }));
    role.addToPrincipalPolicy(
      sesSendStatement(this, props.sesFromAddress, props.sesSandbox ? { sandboxRecipients: props.sesTo } : {}),
    );
    for (const statement of sesCheckStatements(this, props.sesFromAddress, props.sesTo)) role.addToPrincipalPolicy(statement);
    acknowledgeWildcardResource(role, '*', 'ses:GetAccount, read-only, which names no resource: the sender checks read the sandbox state and the quota before sending.');

    // Scheduler invokes asynchronously: errors inside the digest are retried
    // by Lambda, then land in the same queue as failed deliveries.
    this.fn.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.deadLetterQueue.queue),
    });

    this.schedule = new DigestSchedule(this, 'Daily', {
      target: this.fn,
      deadLetterQueue: this.deadLetterQueue.queue,
      reportTz: props.reportTz,
      reportAt: props.reportAt,
      ...(props.checkFromMs !== undefined && { checkFromMs: props.checkFromMs }),
    });
  }

  /**
   * Where the digest tells the administrators that a day did not go out: a
   * topic whose e-mail goes by SNS, not SES. Set after the alarms exist,
   * since their topic is the one.
   */
  tellAdministratorsThrough(topic: sns.ITopic): void {
    this.function.fn.addEnvironment(nameOf('adminTopicArn', 'env'), topic.topicArn);
    topic.grantPublish(this.function.role);
  }
}
