import type * as z from 'zod';
import { SUMMARY_TABLE } from '../summary/model/table.ts';
import { EXECUTION_LOG_TABLE } from '../tables.ts';
import * as check from './checks.ts';
import type { Check } from './checks.ts';

/**
 * Every setting of failure-digest, once: its names (the functions' and the
 * CLI's environment variable, the CDK context key, the CLI flag), its default
 * and its check. The Lambdas, the CLI and the CDK app all read their settings
 * through this table, so a name, a default or a check cannot drift apart
 * between them.
 */
export interface Setting<T> {
  /** Environment variable of the functions and the CLI. */
  readonly env?: string;
  /** Key of the CDK context (`-c key=value` or cdk.json). */
  readonly context?: string;
  /** CLI flag that overrides the environment variable. */
  readonly flag?: string;
  /** The default as text; it passes the same check as a given value. */
  readonly default?: string;
  readonly check: Check<T>;
  /** Writes a value back as text, for a function's environment. @default String(value) */
  toText?(value: T): string;
  /** What to give when it is required and missing. */
  readonly hint: string;
}

// Keeps each entry's own type, so a setting with a default reads as never undefined.
const setting = <const S extends Setting<any>>(s: S): S => s;

/** SES v2 takes at most 50 destinations per message. */
export const MAX_RECIPIENTS = 50;
/** DynamoDB TTL deletes within days of expiry; ten years is a sane ceiling for a summary. */
export const MAX_RETENTION_DAYS = 3650;
/** A grace period longer than a week would outlive the sweep's reach. */
export const MAX_GRACE_HOURS = 168;
export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;
/** The retention periods CloudWatch Logs offers (9999: never expire). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, 9999];

const joined = (values: readonly string[]) => values.join(',');

export const SETTINGS = {
  executionTable: setting({
    env: 'DDB_TABLE',
    default: EXECUTION_LOG_TABLE.defaultName,
    check: check.tableName,
    hint: 'the execution-log table',
  }),
  gsiName: setting({
    env: 'GSI_NAME',
    context: 'gsiName',
    default: EXECUTION_LOG_TABLE.gsi.defaultName,
    check: check.indexName,
    hint: "the execution-log table's status/event_ts index",
  }),
  summaryTable: setting({ env: 'SUMMARY_TABLE', default: SUMMARY_TABLE.defaultName, check: check.tableName, hint: 'the summary table' }),
  retentionDays: setting({
    env: 'SUMMARY_RETENTION_DAYS',
    context: 'retentionDays',
    default: '90',
    check: check.wholeNumber(1, MAX_RETENTION_DAYS),
    hint: 'days the summary keeps an entry',
  }),
  reportTz: setting({
    env: 'REPORT_TZ',
    context: 'reportTz',
    flag: '--tz',
    default: 'UTC',
    check: check.zone,
    hint: 'the IANA zone of the report days, e.g. Europe/Paris',
  }),
  reportAt: setting({
    env: 'REPORT_AT',
    context: 'reportAt',
    default: '08:00',
    check: check.clock,
    toText: check.hhmm,
    hint: 'the local time of the daily digest, HH:MM',
  }),
  sendEmpty: setting({ env: 'SEND_EMPTY', context: 'sendEmpty', default: 'true', check: check.bool, hint: 'true or false' }),
  sesFrom: setting({
    env: 'SES_FROM',
    context: 'sesFrom',
    check: check.mailbox,
    hint: 'the verified SES identity (an address, or an address of a verified domain) the digest is sent from, e.g. reports@example.com',
  }),
  sesTo: setting({
    env: 'SES_TO',
    context: 'sesTo',
    check: check.mailboxes({ max: MAX_RECIPIENTS, noun: 'addresses', why: `SES takes at most ${MAX_RECIPIENTS}` }),
    toText: joined,
    hint: 'the comma-separated recipients of the digest, e.g. ops@example.com,oncall@example.com',
  }),
  captureWaitSeconds: setting({
    env: 'CAPTURE_WAIT_SECONDS',
    default: '180',
    check: check.wholeNumber(0, 600),
    hint: 'seconds a finished day may wait for capture to show it complete before the index is read',
  }),
  sendTimeoutSeconds: setting({
    env: 'SEND_TIMEOUT_SECONDS',
    default: '60',
    check: check.wholeNumber(5, 900),
    hint: "seconds a digest run may take to send before its claim on the day lapses (a Lambda also stops at its own timeout)",
  }),
  adminTo: setting({
    env: 'ADMIN_TO',
    context: 'adminTo',
    check: check.listOf(check.address),
    toText: joined,
    hint: 'who is told, by a path that does not need SES, when a digest could not be sent: comma-separated addresses subscribed to the alarm topic',
  }),
  adminTopicArn: setting({
    env: 'ADMIN_TOPIC_ARN',
    check: check.topicArn,
    hint: 'the SNS topic that tells the administrators when a digest could not be sent (the stack output AlarmTopicArn)',
  }),
  reportArchive: setting({
    env: 'REPORT_ARCHIVE',
    check: check.archiveLocation,
    hint: 'where a report that could not be sent is kept for a resend: s3://bucket/prefix/ or an absolute folder',
  }),
  watchdogMarginMinutes: setting({
    env: 'WATCHDOG_MARGIN_MINUTES',
    context: 'watchdogMarginMinutes',
    default: '60',
    check: check.wholeNumber(10, 720),
    hint: 'minutes after the digest time by which the day must be confirmed sent, or the watchdog alarms',
  }),
  onFailureQueueUrls: setting({
    env: 'ON_FAILURE_QUEUE_URLS',
    default: '',
    check: check.listOf(check.url),
    toText: joined,
    hint: "the stream mapping's on-failure queue and its handler's dead-letter queue, comma-separated (stack outputs)",
  }),
  executionStreamArn: setting({
    env: 'DDB_STREAM_ARN',
    check: check.streamArn,
    toText: (a) => a.arn,
    hint: "the execution-log table's stream ARN (DescribeTable: LatestStreamArn)",
  }),
  alarmEmail: setting({ context: 'alarmEmail', check: check.address, hint: 'the address the alarm topic mails' }),
  sesSandbox: setting({ context: 'sesSandbox', default: 'false', check: check.bool, hint: 'true or false' }),
  logLevel: setting({ context: 'logLevel', default: 'INFO', check: check.oneOf(LOG_LEVELS), hint: LOG_LEVELS.join(', ') }),
  logRetentionDays: setting({
    context: 'logRetentionDays',
    default: '30',
    check: check.numberIn(LOG_RETENTION_DAYS, 'a CloudWatch Logs retention'),
    hint: 'days CloudWatch keeps the functions\' logs',
  }),
  tableName: setting({ context: 'tableName', check: check.tableName, hint: 'an existing execution-log table to attach to' }),
  tableStreamArn: setting({ context: 'tableStreamArn', check: check.streamArn, toText: (a) => a.arn, hint: "the existing table's LatestStreamArn" }),
  s3AccessLogs: setting({ context: 's3AccessLogs', check: check.bool, hint: 'true to read S3 server access logs' }),
  accessLogBucket: setting({ context: 'accessLogBucket', check: check.bucketName, hint: 'your S3 access log bucket' }),
  accessLogPrefix: setting({ context: 'accessLogPrefix', check: check.text, hint: 'the target prefix the access logs are written under' }),
  s3LogBuckets: setting({
    env: 'S3LOG_BUCKETS',
    context: 's3LogBuckets',
    default: '',
    check: check.listOf(check.bucketName),
    toText: joined,
    hint: 'source buckets to watch, comma-separated',
  }),
  s3LogPrefixes: setting({
    env: 'S3LOG_PREFIXES',
    context: 's3LogPrefixes',
    default: '',
    check: check.listOf(check.text),
    toText: joined,
    hint: 'key prefixes to watch, comma-separated',
  }),
  s3LogOperations: setting({
    env: 'S3LOG_OPERATIONS',
    context: 's3LogOperations',
    default: 'writes',
    check: check.listOf(check.operation),
    toText: joined,
    hint: 'operations whose failures count, comma-separated',
  }),
  s3LogGraceHours: setting({
    env: 'S3LOG_GRACE_HOURS',
    context: 's3LogGraceHours',
    default: '6',
    check: check.hours(MAX_GRACE_HOURS),
    hint: 'hours a multipart upload has to complete',
  }),
} as const;

export type SettingKey = keyof typeof SETTINGS;
/** The checked value of a setting; undefined when it has no default and was not given. */
export type SettingValue<K extends SettingKey> =
  | z.output<(typeof SETTINGS)[K]['check']>
  | ((typeof SETTINGS)[K] extends { readonly default: string } ? never : undefined);
