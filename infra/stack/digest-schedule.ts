import { Annotations, Duration, Stack, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from './nag.ts';
import { hhmm, type LocalTime } from '../../shared/settings/checks.ts';
import { skippedDates } from './report-time.ts';

/** The `source` of a scheduled digest event; the handler tells scheduled runs from manual ones by it. */
export const SCHEDULE_SOURCE = 'failure-digest.schedule';

export interface DigestScheduleProps {
  readonly target: lambda.IFunction;
  readonly deadLetterQueue: sqs.IQueue;
  /** IANA zone the time is read in. */
  readonly reportTz: string;
  /** Local wall-clock time of the run. */
  readonly reportAt: LocalTime;
  /** What the schedule starts, for its description. @default 'daily digest' */
  readonly what?: string;
  /**
   * Delivery retries when invoking the function fails (throttling, a Lambda
   * outage). The digest keys its send-ledger entry on the scheduled day, so a retry
   * never mails twice.
   * @default 10
   */
  readonly retryAttempts?: number;
  /**
   * How late a delivery may still be; a digest hours late still reports the
   * right day, because the day comes from the scheduled time.
   * @default Duration.hours(6)
   */
  readonly maxEventAge?: Duration;
  /**
   * Instant the skipped-time check starts from.
   * @default Date.now()
   */
  readonly checkFromMs?: number;
}

/** The daily EventBridge Scheduler schedule in the report zone that starts the digest. */
export class DigestSchedule extends Construct {
  readonly schedule: scheduler.Schedule;
  /** What Scheduler acts as: it may invoke the target and write to the dead-letter queue, nothing else. */
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: DigestScheduleProps) {
    super(scope, id);
    const at = hhmm(props.reportAt);
    const account = Stack.of(this).account;
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        // Only schedules of this account may use the role (confused deputy).
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
      description: `Lets the failure-digest schedule invoke the ${props.what ?? 'digest'}`,
    });
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: `failure-digest: ${props.what ?? 'daily digest'} at ${at} ${props.reportTz}`,
      // cron(MM HH * * ? *) read in the report zone, so the run follows its DST changes.
      schedule: scheduler.ScheduleExpression.cron({
        minute: String(props.reportAt.minute),
        hour: String(props.reportAt.hour),
        timeZone: TimeZone.of(props.reportTz),
      }),
      target: new targets.LambdaInvoke(props.target, {
        role: this.role,
        input: scheduler.ScheduleTargetInput.fromObject({
          source: SCHEDULE_SOURCE,
          scheduledTime: scheduler.ContextAttribute.scheduledTime,
          executionId: scheduler.ContextAttribute.executionId,
          attempt: scheduler.ContextAttribute.attemptNumber,
        }),
        deadLetterQueue: props.deadLetterQueue,
        retryAttempts: props.retryAttempts ?? 10,
        maxEventAge: props.maxEventAge ?? Duration.hours(6),
      }),
    });

    const skipped = skippedDates(props.reportAt, props.reportTz, props.checkFromMs ?? Date.now());
    if (skipped.length > 0) {
      Annotations.of(this).addWarningV2(
        'failure-digest:report-time-skipped',
        `reportAt=${at} does not exist in ${props.reportTz} on ${skipped.join(', ')} (clocks spring forward); ` +
          'the schedule does not fire that day and the previous day gets no digest. Choose a time outside the skipped hour.',
      );
    }

    acknowledgeWildcardResource(
      this.role,
      `${props.target.functionArn}:*`,
      'The role may invoke only the digest function; the ":*" form covers its versions and aliases and is what the LambdaInvoke target grants.',
    );
  }
}
