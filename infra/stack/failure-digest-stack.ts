import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { StackConfig } from './config.ts';
import { Digest } from './digest.ts';
import { ExecutionLogTable } from './execution-log-table.ts';
import { Heartbeat } from './heartbeat.ts';
import { OperationsAlarms } from './operations-alarms.ts';
import { ReportArchive } from './report-archive.ts';
import { Watchdog } from './watchdog.ts';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { DIGEST_METRICS } from '../../shared/digest/metrics.ts';
import { hhmm } from '../../shared/settings/checks.ts';
import { S3LogIngester } from './s3-log-ingester.ts';
import { StreamConsumer } from './stream-consumer.ts';
import { StreamRecovery } from './stream-recovery.ts';
import { SummaryTable } from './summary-table.ts';

export interface FailureDigestStackProps extends StackProps {
  readonly config: StackConfig;
  /**
   * Instant the schedule's skipped-time check starts from.
   * @default Date.now()
   */
  readonly checkFromMs?: number;
}

/** failure-digest on AWS: capture from the execution-log stream, a daily digest, and alarms on both. */
export class FailureDigestStack extends Stack {
  readonly executionLog: ExecutionLogTable;
  readonly summary: SummaryTable;
  readonly consumer: StreamConsumer;
  readonly recovery: StreamRecovery;
  readonly digest: Digest;
  readonly heartbeat: Heartbeat;
  readonly alarms: OperationsAlarms;
  readonly reportArchive: ReportArchive;
  readonly watchdog: Watchdog;
  /** Present when S3 server access logs are a source. */
  readonly s3Logs?: S3LogIngester;

  constructor(scope: Construct, id: string, props: FailureDigestStackProps) {
    super(scope, id, props);
    const c = props.config;
    const logging = { logLevel: c.logLevel, logRetention: c.logRetention };

    this.executionLog = new ExecutionLogTable(this, 'ExecutionLog', {
      gsiName: c.gsiName,
      ...(c.existingTable && {
        existing: { tableArn: c.existingTable.tableArn, streamArn: c.existingTable.streamArn },
      }),
    });
    this.summary = new SummaryTable(this, 'Summary');

    const capture = {
      source: this.executionLog,
      summaryTable: this.summary.table,
      reportTz: c.reportTz,
      retentionDays: c.retentionDays,
      ...logging,
    };
    // What the consumer's mapping gives up on goes to the recovery's queue.
    this.recovery = new StreamRecovery(this, 'StreamRecovery', capture);
    this.consumer = new StreamConsumer(this, 'StreamConsumer', { ...capture, onFailureQueue: this.recovery.queue });

    this.heartbeat = new Heartbeat(this, 'Heartbeat', {
      source: this.executionLog,
      summaryTable: this.summary.table,
      retentionDays: c.retentionDays,
      ...logging,
    });

    this.reportArchive = new ReportArchive(this, 'ReportArchive', { retentionDays: c.retentionDays });
    this.digest = new Digest(this, 'Digest', {
      reportArchive: this.reportArchive,
      source: this.executionLog,
      summaryTable: this.summary.table,
      reportTz: c.reportTz,
      reportAt: c.reportAt,
      sesFrom: c.sesFrom,
      sesFromAddress: c.sesFromAddress,
      sesTo: c.sesTo,
      sendEmpty: c.sendEmpty,
      sesSandbox: c.sesSandbox,
      retentionDays: c.retentionDays,
      dropQueues: [this.recovery.queue, this.recovery.deadLetterQueue.queue],
      ...logging,
      ...(props.checkFromMs !== undefined && { checkFromMs: props.checkFromMs }),
    });

    if (c.s3AccessLogs) {
      const s = c.s3AccessLogs;
      this.s3Logs = new S3LogIngester(this, 'S3LogIngester', {
        executionLog: this.executionLog,
        summaryTable: this.summary.table,
        retentionDays: c.retentionDays,
        ...(s.existingBucketName !== undefined && { existingBucketName: s.existingBucketName }),
        logPrefix: s.logPrefix,
        buckets: s.buckets,
        prefixes: s.prefixes,
        operations: s.operations,
        graceHours: s.graceHours,
        ...logging,
      });
    }
    const s3Logs = this.s3Logs;

    this.alarms = new OperationsAlarms(this, 'Alarms', {
      ...(c.alarmEmail !== undefined && { alarmEmail: c.alarmEmail }),
      adminTo: c.adminTo,
      deadLetterQueues: {
        StreamRecovery: this.recovery.deadLetterQueue.queue,
        Digest: this.digest.deadLetterQueue.queue,
        Heartbeat: this.heartbeat.deadLetterQueue.queue,
        ...(s3Logs && { S3LogIngester: s3Logs.deadLetterQueue.queue }),
      },
      functions: {
        StreamConsumer: this.consumer.fn,
        StreamRecovery: this.recovery.fn,
        Digest: this.digest.fn,
        Heartbeat: this.heartbeat.fn,
        ...(s3Logs && { S3LogIngester: s3Logs.fn }),
      },
      streamConsumer: this.consumer.fn,
    });
    this.digest.tellAdministratorsThrough(this.alarms.topic);
    this.watchdog = new Watchdog(this, 'Watchdog', {
      summaryTable: this.summary.table,
      reportTz: c.reportTz,
      reportAt: c.reportAt,
      marginMinutes: c.watchdogMarginMinutes,
      topic: this.alarms.topic,
      ...logging,
      ...(props.checkFromMs !== undefined && { checkFromMs: props.checkFromMs }),
    });
    this.alarms.alarmOnErrors('Watchdog', this.watchdog.fn);
    this.alarms.addAlarm('DigestUnconfirmed', {
      alarmDescription: `failure-digest: a day's digest was not confirmed sent ${c.watchdogMarginMinutes} minutes after ${hhmm(c.reportAt)} ${c.reportTz}; the administrators were told which day and how to send it.`,
      metric: new cloudwatch.Metric({
        namespace: DIGEST_METRICS.namespace,
        metricName: DIGEST_METRICS.unconfirmed,
        dimensionsMap: { service: DIGEST_METRICS.service },
        period: Duration.minutes(5),
        statistic: 'Sum',
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    new CfnOutput(this, 'ExecutionLogTableName', {
      description: this.executionLog.created ? 'Table the writers put execution logs into' : 'Attached execution-log table',
      value: this.executionLog.tableName,
    });
    new CfnOutput(this, 'SummaryTableName', { value: this.summary.table.tableName });
    new CfnOutput(this, 'DigestFunctionName', {
      description: 'Invoke with {"date":"YYYY-MM-DD"} to (re)send one day',
      value: this.digest.fn.functionName,
    });
    new CfnOutput(this, 'AlarmTopicArn', { description: 'ADMIN_TOPIC_ARN for a CLI run: where its administrator notices go', value: this.alarms.topic.topicArn });
    new CfnOutput(this, 'ReportArchiveLocation', { description: 'REPORT_ARCHIVE for a CLI run: reports that did not go out, for resend', value: this.reportArchive.location });
    new CfnOutput(this, 'StreamRecoveryDeadLetterQueueUrl', {
      description: 'Ranges of dropped stream records that could not be recovered: replay them with failure-digest replay',
      value: this.recovery.deadLetterQueue.queue.queueUrl,
    });
    new CfnOutput(this, 'DigestDeadLetterQueueUrl', { value: this.digest.deadLetterQueue.queue.queueUrl });
    if (s3Logs) {
      new CfnOutput(this, 'AccessLogBucketName', {
        description: `Point server access logging of the backup buckets here (${s3Logs.logPrefix ? `target prefix "${s3Logs.logPrefix}"` : 'any target prefix'})`,
        value: s3Logs.bucket.bucketName,
      });
      new CfnOutput(this, 'S3LogIngesterDeadLetterQueueUrl', { value: s3Logs.deadLetterQueue.queue.queueUrl });
    }
  }
}
