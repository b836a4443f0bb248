import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { addressOf, hhmm, type LocalTime } from '../../shared/settings/checks.ts';
import { CAPTURE_MARGIN_MINUTES } from '../../shared/evidence/completeness.ts';
import { ConfigError } from '../../shared/settings/errors.ts';
import { readSettings, type RuleInput } from '../../shared/settings/read.ts';

/** A deploy-time setting that cannot work; every problem is listed at once so one synth shows them all. */
export class StackConfigError extends ConfigError {
  constructor(problems: readonly string[]) {
    super(problems, 'Invalid context for the failure-digest stack');
    this.name = 'StackConfigError';
  }
}

/** The user's own execution-log table, attached instead of created. */
export interface ExistingTable {
  readonly tableName: string;
  readonly tableArn: string;
  readonly streamArn: string;
  readonly account: string;
  readonly region: string;
}

/** S3 server access logs as a second source of failures. */
export interface S3AccessLogsConfig {
  /** The user's log bucket; absent, the stack creates one. */
  readonly existingBucketName?: string;
  /** Where in the log bucket S3 writes the logs (the target prefix); '' for the whole bucket. */
  readonly logPrefix: string;
  /** Source buckets whose failures count; empty for all. */
  readonly buckets: readonly string[];
  /** Key prefixes whose failures count; empty for all. */
  readonly prefixes: readonly string[];
  /** Operations whose failures count. */
  readonly operations: readonly string[];
  /** Time a multipart upload has to complete. */
  readonly graceHours: number;
}

/** How often the sweep judges uploads whose grace period has passed. */
export const S3_SWEEP_EVERY_HOURS = 1;

export interface StackConfig {
  /** IANA zone, canonical. */
  readonly reportTz: string;
  /** Local wall-clock time of the digest. */
  readonly reportAt: LocalTime;
  /** The From header as given, e.g. `Reports <reports@example.com>`. */
  readonly sesFrom: string;
  /** The bare address of sesFrom: what SES authorizes and what `ses:FromAddress` compares. */
  readonly sesFromAddress: string;
  readonly sesTo: readonly string[];
  readonly sendEmpty: boolean;
  /** The SES account is in the sandbox: recipient identities are authorized too. */
  readonly sesSandbox: boolean;
  readonly retentionDays: number;
  readonly alarmEmail?: string;
  /** Subscribed to the alarm topic too: told when a digest did not go out. */
  readonly adminTo: readonly string[];
  /** Minutes after reportAt by which the watchdog wants the day confirmed. */
  readonly watchdogMarginMinutes: number;
  readonly logLevel: string;
  readonly logRetention: RetentionDays;
  readonly gsiName: string;
  /** Absent: the stack creates the execution-log table. */
  readonly existingTable?: ExistingTable;
  /** Absent: no S3 access log ingester. */
  readonly s3AccessLogs?: S3AccessLogsConfig;
}

/** Reads a context value by key; `app.node.tryGetContext` fits. */
export type ContextReader = (key: string) => unknown;

const KEYS = [
  'reportTz', 'reportAt', 'sesFrom', 'sesTo', 'sendEmpty', 'sesSandbox', 'retentionDays', 'alarmEmail', 'adminTo', 'watchdogMarginMinutes', 'logLevel',
  'logRetentionDays', 'gsiName', 'tableName', 'tableStreamArn', 's3AccessLogs', 'accessLogBucket', 'accessLogPrefix',
  's3LogBuckets', 's3LogPrefixes', 's3LogOperations', 's3LogGraceHours',
] as const;
type Key = (typeof KEYS)[number];
const S3_LOG_KEYS = ['accessLogPrefix', 's3LogBuckets', 's3LogPrefixes', 's3LogOperations', 's3LogGraceHours'] as const;

/** The S3 source is on with s3AccessLogs=true, or with accessLogBucket unless s3AccessLogs=false. */
const s3SourceOn = (r: RuleInput<Key>) => r.values.s3AccessLogs ?? r.given('accessLogBucket');

/** The digest must come late enough after midnight for capture to show the day complete. */
function reportAtRule(r: RuleInput<Key>): void {
  const at = r.values.reportAt;
  const earliest = 60 + CAPTURE_MARGIN_MINUTES;
  if (at === undefined || at.hour * 60 + at.minute >= earliest) return;
  const min = hhmm({ hour: Math.floor(earliest / 60), minute: earliest % 60 });
  r.problem(
    `reportAt=${hhmm(at)} is too early: capture needs ${CAPTURE_MARGIN_MINUTES} min after the day ends to show it complete, ` +
      `plus 1 h where the clocks change that night; use reportAt=${min} or later`,
  );
}

function existingTableRules(r: RuleInput<Key>): void {
  const { tableName, tableStreamArn } = r.values;
  if (r.given('tableName') && !r.given('tableStreamArn')) {
    r.problem(`tableStreamArn is required with tableName; find it with: aws dynamodb describe-table --table-name ${tableName ?? '<name>'} --query Table.LatestStreamArn`);
  }
  if (tableName !== undefined && tableStreamArn !== undefined && tableName !== tableStreamArn.tableName) {
    r.problem(`tableStreamArn belongs to table "${tableStreamArn.tableName}", not to tableName="${tableName}"`);
  }
}

/**
 * An upload is judged once its grace period has passed, by the next hourly
 * sweep at the latest, and its failure item is dated at its start. For the
 * digest of day D to report every upload started on D, even at 23:59, the
 * grace period, one sweep interval and one hour for a clock change must fit
 * between midnight and reportAt; otherwise an upload started late on D would
 * be judged after D's digest went out and be in no email at all.
 */
function s3SourceRules(r: RuleInput<Key>): void {
  if (!s3SourceOn(r)) {
    if (r.given('accessLogBucket')) r.problem('accessLogBucket is given but s3AccessLogs=false; drop one of them');
    for (const key of S3_LOG_KEYS) {
      if (r.given(key)) r.problem(`${key} needs the S3 access log source: add -c s3AccessLogs=true or -c accessLogBucket=NAME`);
    }
    return;
  }
  const { reportAt, s3LogGraceHours: grace } = r.values;
  if (reportAt === undefined || grace === undefined) return;
  const fits = reportAt.hour + reportAt.minute / 60 - S3_SWEEP_EVERY_HOURS - 1;
  if (grace > fits) {
    r.problem(
      `s3LogGraceHours=${grace} is too long for reportAt=${hhmm(reportAt)}: an upload started just before midnight would be judged after ` +
        `that day's digest is sent. The grace period plus ${S3_SWEEP_EVERY_HOURS} h (sweep interval) plus 1 h (clock change) must end by reportAt; ` +
        (fits > 0 ? `use s3LogGraceHours=${Math.floor(fits * 10) / 10} or less, or a later reportAt` : 'choose a later reportAt'),
    );
  }
}

/**
 * Reads and validates the stack's context (`-c key=value` or cdk.json) with
 * the same settings table the functions read their environment with, so a
 * stack that synthesizes never deploys a function that refuses its own
 * environment.
 */
export function readStackConfig(read: ContextReader): StackConfig {
  const source = Object.fromEntries(KEYS.map((k) => [k, read(k)]));
  const { values: v, problems } = readSettings('context', source, KEYS, {
    required: ['sesFrom', 'sesTo'],
    rules: (r) => {
      reportAtRule(r);
      existingTableRules(r);
      s3SourceRules(r);
    },
  });
  if (problems.length > 0) throw new StackConfigError(problems);
  const arn = v.tableStreamArn;
  const s3On = v.s3AccessLogs ?? v.accessLogBucket !== undefined;
  return {
    reportTz: v.reportTz,
    reportAt: v.reportAt,
    sesFrom: v.sesFrom,
    sesFromAddress: addressOf(v.sesFrom),
    sesTo: v.sesTo,
    sendEmpty: v.sendEmpty,
    sesSandbox: v.sesSandbox,
    retentionDays: v.retentionDays,
    ...(v.alarmEmail !== undefined && { alarmEmail: v.alarmEmail }),
    adminTo: v.adminTo ?? [],
    watchdogMarginMinutes: v.watchdogMarginMinutes,
    logLevel: v.logLevel,
    logRetention: v.logRetentionDays as RetentionDays,
    gsiName: v.gsiName,
    ...(arn !== undefined && {
      existingTable: {
        tableName: arn.tableName,
        tableArn: `arn:${arn.partition}:dynamodb:${arn.region}:${arn.account}:table/${arn.tableName}`,
        streamArn: arn.arn,
        account: arn.account,
        region: arn.region,
      },
    }),
    ...(s3On && {
      s3AccessLogs: {
        ...(v.accessLogBucket !== undefined && { existingBucketName: v.accessLogBucket }),
        logPrefix: v.accessLogPrefix ?? '',
        buckets: v.s3LogBuckets,
        prefixes: v.s3LogPrefixes,
        operations: v.s3LogOperations,
        graceHours: v.s3LogGraceHours,
      },
    }),
  };
}
