import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BUCKET_NAME_RE, ruleProblems } from '../../shared/s3logs/config.ts';
import { DEFAULT_GRACE_HOURS, WRITES } from '../../shared/s3logs/rules.ts';
import { EXECUTION_LOG_TABLE } from '../../shared/tables.ts';
import { canonicalTimeZone } from '../../shared/time/report-day.ts';
import { hhmm, type LocalTime } from './report-time.ts';

/** A deploy-time setting that cannot work; every problem is listed at once so one synth shows them all. */
export class StackConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid context for the failure-digest stack:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'StackConfigError';
    this.problems = problems;
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
  /** IANA zone, canonical case. */
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

export const CONTEXT_DEFAULTS = {
  reportTz: 'UTC',
  reportAt: '08:00',
  retentionDays: 90,
  sendEmpty: true,
  sesSandbox: false,
  logLevel: 'INFO',
  logRetentionDays: 30,
  gsiName: EXECUTION_LOG_TABLE.gsi.defaultName,
} as const;

// SES v2 takes at most 50 destinations per message.
const MAX_RECIPIENTS = 50;
// DynamoDB TTL deletes within days of expiry; ten years is a sane ceiling for a summary.
const MAX_RETENTION_DAYS = 3650;
const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'];
const ADDRESS = String.raw`[^<>@\s,]+@[^<>@\s,]+\.[^<>@\s,]+`;
const BARE_ADDRESS_RE = new RegExp(`^${ADDRESS}$`);
const NAMED_ADDRESS_RE = new RegExp(`^[^<>]*<(${ADDRESS})>$`);
const TABLE_NAME_RE = /^[a-zA-Z0-9_.-]{3,255}$/;
const STREAM_ARN_RE =
  /^arn:(aws[a-z-]*):dynamodb:([a-z0-9-]+):(\d{12}):table\/([a-zA-Z0-9_.-]{3,255})\/stream\/([^/\s]+)$/;
const RETENTION_DAYS = new Set<number>(
  Object.values(RetentionDays).filter((v): v is number => typeof v === 'number' && v > 0),
);

class ContextValues {
  readonly problems: string[] = [];
  constructor(private readonly read: ContextReader) {}

  text(key: string): string | undefined {
    const raw = this.read(key);
    if (raw === undefined || raw === null) return undefined;
    const value = String(raw).trim();
    return value === '' ? undefined : value;
  }

  required(key: string, hint: string): string {
    const value = this.text(key);
    if (value === undefined) this.problems.push(`${key} is required: ${hint}`);
    return value ?? '';
  }

  zone(key: string): string {
    const value = this.text(key) ?? CONTEXT_DEFAULTS.reportTz;
    try {
      return canonicalTimeZone(value);
    } catch {
      this.problems.push(`${key}="${value}" is not an IANA time zone; use a name such as UTC, Europe/Paris or America/New_York`);
      return CONTEXT_DEFAULTS.reportTz;
    }
  }

  clock(key: string): StackConfig['reportAt'] {
    const value = this.text(key) ?? CONTEXT_DEFAULTS.reportAt;
    const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
    if (!m) {
      this.problems.push(`${key}="${value}" must be a local time as HH:MM from 00:00 to 23:59, e.g. 08:00`);
      return { hour: 8, minute: 0 };
    }
    return { hour: Number(m[1]), minute: Number(m[2]) };
  }

  positiveInt(key: string, fallback: number, max: number): number {
    const value = this.text(key);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0 || n > max) {
      this.problems.push(`${key}="${value}" must be a whole number from 1 to ${max}`);
      return fallback;
    }
    return n;
  }

  bool(key: string, fallback: boolean): boolean {
    const value = this.text(key)?.toLowerCase();
    if (value === undefined) return fallback;
    if (value === 'true') return true;
    if (value === 'false') return false;
    this.problems.push(`${key}="${value}" must be true or false`);
    return fallback;
  }

  oneOf(key: string, fallback: string, allowed: readonly string[]): string {
    const value = this.text(key)?.toUpperCase() ?? fallback;
    if (!allowed.includes(value)) this.problems.push(`${key}="${value}" must be one of ${allowed.join(', ')}`);
    return value;
  }

  address(key: string, value: string, allowName: boolean): string {
    if (BARE_ADDRESS_RE.test(value)) return value;
    const named = allowName ? NAMED_ADDRESS_RE.exec(value) : null;
    if (named?.[1]) return named[1];
    this.problems.push(`${key}: "${value}" is not an email address`);
    return value;
  }

  done<T>(value: T): T {
    if (this.problems.length > 0) throw new StackConfigError(this.problems);
    return value;
  }
}

function readExistingTable(c: ContextValues): ExistingTable | undefined {
  const tableName = c.text('tableName');
  const streamArn = c.text('tableStreamArn');
  if (tableName === undefined && streamArn === undefined) return undefined;
  if (streamArn === undefined) {
    c.problems.push(
      `tableStreamArn is required with tableName; find it with: aws dynamodb describe-table --table-name ${tableName} --query Table.LatestStreamArn`,
    );
    return undefined;
  }
  const m = STREAM_ARN_RE.exec(streamArn);
  if (!m) {
    c.problems.push(
      `tableStreamArn="${streamArn}" is not a DynamoDB stream ARN (arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL)`,
    );
    return undefined;
  }
  const [, partition, region, account, arnTable] = m as unknown as [string, string, string, string, string];
  if (tableName !== undefined && !TABLE_NAME_RE.test(tableName)) {
    c.problems.push(`tableName="${tableName}" is not a DynamoDB table name (3 to 255 of a-z A-Z 0-9 _ - .)`);
  } else if (tableName !== undefined && tableName !== arnTable) {
    c.problems.push(`tableStreamArn belongs to table "${arnTable}", not to tableName="${tableName}"`);
  }
  return {
    tableName: arnTable,
    tableArn: `arn:${partition}:dynamodb:${region}:${account}:table/${arnTable}`,
    streamArn,
    account,
    region,
  };
}

const S3_LOG_KEYS = ['accessLogPrefix', 's3LogBuckets', 's3LogPrefixes', 's3LogOperations', 's3LogGraceHours'] as const;

const listOf = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');

/**
 * The S3 access log source is on with `s3AccessLogs=true` (a log bucket is
 * created) or `accessLogBucket=NAME` (the user's log bucket).
 *
 * An upload is judged once its grace period has passed, by the next hourly
 * sweep at the latest, and its failure item is dated at its start. For the
 * digest of day D to report every upload started on D, even at 23:59, the
 * grace period, one sweep interval and one hour for a clock change must fit
 * between midnight and REPORT_AT; otherwise an upload started late on D would
 * be judged after D's digest went out and be in no email at all.
 */
function readS3AccessLogs(c: ContextValues, reportAt: LocalTime): S3AccessLogsConfig | undefined {
  const existingBucketName = c.text('accessLogBucket');
  const enabled = c.bool('s3AccessLogs', existingBucketName !== undefined);
  if (!enabled) {
    if (existingBucketName !== undefined) c.problems.push('accessLogBucket is given but s3AccessLogs=false; drop one of them');
    for (const key of S3_LOG_KEYS) {
      if (c.text(key) !== undefined) c.problems.push(`${key} needs the S3 access log source: add -c s3AccessLogs=true or -c accessLogBucket=NAME`);
    }
    return undefined;
  }
  if (existingBucketName !== undefined && !BUCKET_NAME_RE.test(existingBucketName)) {
    c.problems.push(`accessLogBucket="${existingBucketName}" is not an S3 bucket name`);
  }
  const graceText = c.text('s3LogGraceHours');
  const graceHours = graceText === undefined ? DEFAULT_GRACE_HOURS : Number(graceText);
  const buckets = listOf(c.text('s3LogBuckets'));
  const operations = listOf(c.text('s3LogOperations'));
  c.problems.push(...ruleProblems({ buckets, operations, graceHours, graceText }, { buckets: 's3LogBuckets', operations: 's3LogOperations', graceHours: 's3LogGraceHours' }));
  const reportHours = reportAt.hour + reportAt.minute / 60;
  const fits = reportHours - S3_SWEEP_EVERY_HOURS - 1;
  if (Number.isFinite(graceHours) && graceHours > 0 && graceHours > fits) {
    c.problems.push(
      `s3LogGraceHours=${graceHours} is too long for reportAt=${hhmm(reportAt)}: an upload started just before midnight would be judged after ` +
        `that day's digest is sent. The grace period plus ${S3_SWEEP_EVERY_HOURS} h (sweep interval) plus 1 h (clock change) must end by reportAt; ` +
        (fits > 0 ? `use s3LogGraceHours=${Math.floor(fits * 10) / 10} or less, or a later reportAt` : 'choose a later reportAt'),
    );
  }
  return {
    ...(existingBucketName !== undefined && { existingBucketName }),
    logPrefix: c.text('accessLogPrefix') ?? '',
    buckets,
    prefixes: listOf(c.text('s3LogPrefixes')),
    operations: operations.length > 0 ? operations : [WRITES],
    graceHours,
  };
}

/**
 * Reads and validates the stack's context (`-c key=value` or cdk.json). The
 * checks match what the functions check at cold start, so a stack that
 * synthesizes never deploys a function that refuses its own environment.
 */
export function readStackConfig(read: ContextReader): StackConfig {
  const c = new ContextValues(read);
  const reportTz = c.zone('reportTz');
  const reportAt = c.clock('reportAt');
  const sesFrom = c.required('sesFrom', 'the verified SES identity (address, or an address of a verified domain) the digest is sent from, e.g. -c sesFrom=reports@example.com');
  const sesFromAddress = sesFrom ? c.address('sesFrom', sesFrom, true) : '';
  const sesTo = c
    .required('sesTo', 'the comma-separated recipients of the digest, e.g. -c sesTo=ops@example.com,oncall@example.com')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const to of sesTo) c.address('sesTo', to, false);
  if (sesTo.length > MAX_RECIPIENTS) c.problems.push(`sesTo has ${sesTo.length} addresses; SES takes at most ${MAX_RECIPIENTS}`);
  const alarmEmail = c.text('alarmEmail');
  if (alarmEmail !== undefined) c.address('alarmEmail', alarmEmail, false);
  const logRetentionDays = c.positiveInt('logRetentionDays', CONTEXT_DEFAULTS.logRetentionDays, 3653);
  if (!RETENTION_DAYS.has(logRetentionDays)) {
    c.problems.push(
      `logRetentionDays="${logRetentionDays}" is not a CloudWatch Logs retention; use one of ${[...RETENTION_DAYS].sort((a, b) => a - b).join(', ')}`,
    );
  }
  const gsiName = c.text('gsiName') ?? CONTEXT_DEFAULTS.gsiName;
  if (!/^[a-zA-Z0-9_.-]{3,255}$/.test(gsiName)) c.problems.push(`gsiName="${gsiName}" is not a DynamoDB index name`);
  const existingTable = readExistingTable(c);
  const s3AccessLogs = readS3AccessLogs(c, reportAt);
  return c.done({
    reportTz,
    reportAt,
    sesFrom,
    sesFromAddress,
    sesTo,
    sendEmpty: c.bool('sendEmpty', CONTEXT_DEFAULTS.sendEmpty),
    sesSandbox: c.bool('sesSandbox', CONTEXT_DEFAULTS.sesSandbox),
    retentionDays: c.positiveInt('retentionDays', CONTEXT_DEFAULTS.retentionDays, MAX_RETENTION_DAYS),
    ...(alarmEmail !== undefined && { alarmEmail }),
    logLevel: c.oneOf('logLevel', CONTEXT_DEFAULTS.logLevel, LOG_LEVELS),
    logRetention: logRetentionDays as RetentionDays,
    gsiName,
    ...(existingTable !== undefined && { existingTable }),
    ...(s3AccessLogs !== undefined && { s3AccessLogs }),
  });
}
