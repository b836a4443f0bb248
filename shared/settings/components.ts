import type { S3LogRules } from '../s3logs/rules.ts';
import type { LocalTime } from './checks.ts';
import { ConfigError } from './errors.ts';
import { nameOf, readSettings, settingsEnv, type ReadOptions, type SettingValues } from './read.ts';
import type { SettingKey } from './settings.ts';

/**
 * What each component reads from its environment, read and checked once at
 * cold start (or when a command starts). The CDK stack writes each
 * function's environment with `*Env` from the same keys, so a stack that
 * synthesizes never deploys a function that refuses its own environment.
 */

type Env = Readonly<Record<string, string | undefined>>;

function load<K extends SettingKey, R extends K = never>(env: Env, keys: readonly K[], options?: ReadOptions<K, R>): SettingValues<K, R> {
  const { values, problems } = readSettings('env', env, keys, options);
  if (problems.length > 0) throw new ConfigError(problems);
  return values;
}

const CAPTURE_KEYS = ['summaryTable', 'reportTz', 'retentionDays'] as const;
const DIGEST_KEYS = [...CAPTURE_KEYS, 'executionTable', 'gsiName', 'sesFrom', 'sesTo', 'reportAt', 'sendEmpty', 'captureWaitSeconds', 'sendTimeoutSeconds', 'onFailureQueueUrls', 'adminTopicArn', 'reportArchive', 'watchdogMarginMinutes'] as const;
const HEARTBEAT_KEYS = ['executionTable', 'summaryTable', 'retentionDays', 'executionStreamArn'] as const;
const S3_LOG_KEYS = ['executionTable', 'summaryTable', 'retentionDays', 's3LogBuckets', 's3LogPrefixes', 's3LogOperations', 's3LogGraceHours'] as const;
const MAIL_KEYS = ['sesFrom', 'sesTo'] as const;
const WATCHDOG_KEYS = ['summaryTable', 'reportTz', 'reportAt', 'watchdogMarginMinutes', 'adminTopicArn'] as const;

/** What the stream consumer needs. */
export interface CaptureConfig {
  readonly summaryTable: string;
  readonly reportTz: string;
  readonly retentionDays: number;
}

/** What the digest, the reprocess command and the local stack need. */
export interface DigestConfig extends CaptureConfig {
  readonly executionTable: string;
  readonly gsiName: string;
  /** '' where no mail is sent (dry runs, reprocess without --send). */
  readonly sesFrom: string;
  readonly sesTo: readonly string[];
  readonly reportAt: LocalTime;
  readonly sendEmpty: boolean;
  /** How long a finished day may wait for capture to show it complete. */
  readonly captureWaitSeconds: number;
  /** How long a run may take to send; its claim on the day lapses then. */
  readonly sendTimeoutSeconds: number;
  /** Where dropped stream ranges wait; empty where the digest cannot look (then no day is shown complete). */
  readonly onFailureQueueUrls: readonly string[];
  /** The SNS topic that tells the administrators when a day did not go out; none: nobody can be told, and runs say so. */
  readonly adminTopicArn?: string | undefined;
  /** Where a report that did not go out is kept: s3://bucket/prefix/ or a folder. */
  readonly reportArchive?: string | undefined;
  /** How long after `reportAt` the local watchdog checks the day was confirmed. */
  readonly watchdogMarginMinutes: number;
}

/** What the watchdog needs: where the send ledger is, when the digest was due, whom to tell. */
export interface WatchdogConfig {
  readonly summaryTable: string;
  readonly reportTz: string;
  readonly reportAt: LocalTime;
  readonly watchdogMarginMinutes: number;
  readonly adminTopicArn: string;
}

/** What the heartbeat writer needs. */
export interface HeartbeatConfig {
  readonly executionTable: string;
  readonly summaryTable: string;
  readonly retentionDays: number;
  readonly streamArn: string;
}

/** What the S3 log ingester, its sweep and the `s3-logs` commands need. */
export interface S3LogConfig {
  /** Where FAILED items go. */
  readonly executionTable: string;
  /** Where upload state is kept, next to the summaries. */
  readonly summaryTable: string;
  readonly retentionDays: number;
  readonly rules: S3LogRules;
}

export interface DigestConfigOptions {
  /** Commands that never send mail (window, dry runs) do not need SES_FROM/SES_TO. @default true */
  readonly requireEmail?: boolean;
  /** A CLI flag's value over its variable, e.g. `--tz`. */
  readonly tz?: string | undefined;
}

export function loadCaptureConfig(env: Env): CaptureConfig {
  return load(env, CAPTURE_KEYS);
}

export function loadDigestConfig(env: Env, options: DigestConfigOptions = {}): DigestConfig {
  const v = load<(typeof DIGEST_KEYS)[number], (typeof MAIL_KEYS)[number]>(env, DIGEST_KEYS, {
    required: options.requireEmail === false ? [] : MAIL_KEYS,
    overrides: { reportTz: { name: '--tz', value: options.tz } },
  });
  return { ...v, sesFrom: v.sesFrom ?? '', sesTo: v.sesTo ?? [] };
}

/** Who the administrator notices reach; the local stack subscribes them, as CDK does on AWS. */
export function loadAdminTo(env: Env): readonly string[] {
  return load(env, ['adminTo'] as const).adminTo ?? [];
}

export function loadWatchdogConfig(env: Env): WatchdogConfig {
  return load<(typeof WATCHDOG_KEYS)[number], 'adminTopicArn'>(env, WATCHDOG_KEYS, { required: ['adminTopicArn'] });
}

/** The watchdog's environment. */
export function watchdogEnv(c: WatchdogConfig): Record<string, string> {
  return settingsEnv({ ...c });
}

export function loadHeartbeatConfig(env: Env): HeartbeatConfig {
  const v = load<(typeof HEARTBEAT_KEYS)[number], 'executionStreamArn'>(env, HEARTBEAT_KEYS, { required: ['executionStreamArn'] });
  return { executionTable: v.executionTable, summaryTable: v.summaryTable, retentionDays: v.retentionDays, streamArn: v.executionStreamArn.arn };
}

export function loadS3LogConfig(env: Env): S3LogConfig {
  const v = load(env, S3_LOG_KEYS);
  return {
    executionTable: v.executionTable,
    summaryTable: v.summaryTable,
    retentionDays: v.retentionDays,
    rules: {
      buckets: v.s3LogBuckets,
      prefixes: v.s3LogPrefixes,
      operations: v.s3LogOperations,
      graceMs: Math.round(v.s3LogGraceHours * 3_600_000),
    },
  };
}

/** The stream consumer's environment. */
export function captureEnv(c: CaptureConfig): Record<string, string> {
  return settingsEnv({ summaryTable: c.summaryTable, reportTz: c.reportTz, retentionDays: c.retentionDays });
}

/** The digest's environment. */
export function digestEnv(
  c: Omit<DigestConfig, 'captureWaitSeconds' | 'sendTimeoutSeconds' | 'watchdogMarginMinutes'> &
    Partial<Pick<DigestConfig, 'captureWaitSeconds' | 'sendTimeoutSeconds'>>,
): Record<string, string> {
  const { summaryTable, reportTz, retentionDays, executionTable, gsiName, sesFrom, sesTo, reportAt, sendEmpty, captureWaitSeconds, sendTimeoutSeconds } = c;
  return settingsEnv({
    ...{ summaryTable, reportTz, retentionDays, executionTable, gsiName, sesFrom, sesTo: [...sesTo], reportAt, sendEmpty },
    ...(captureWaitSeconds !== undefined && { captureWaitSeconds }),
    ...(sendTimeoutSeconds !== undefined && { sendTimeoutSeconds }),
    onFailureQueueUrls: [...c.onFailureQueueUrls],
    ...(c.adminTopicArn !== undefined && { adminTopicArn: c.adminTopicArn }),
    ...(c.reportArchive !== undefined && { reportArchive: c.reportArchive }),
  });
}

/** The heartbeat writer's environment. */
export function heartbeatEnv(c: HeartbeatConfig): Record<string, string> {
  const { executionTable, summaryTable, retentionDays, streamArn } = c;
  return { ...settingsEnv({ executionTable, summaryTable, retentionDays }), [nameOf('executionStreamArn', 'env')]: streamArn };
}

/** The S3 log ingester's environment. */
export function s3LogEnv(c: Omit<S3LogConfig, 'rules'> & { readonly rules: Omit<S3LogRules, 'graceMs'> & { readonly graceHours: number } }): Record<string, string> {
  return settingsEnv({
    executionTable: c.executionTable,
    summaryTable: c.summaryTable,
    retentionDays: c.retentionDays,
    s3LogBuckets: [...c.rules.buckets],
    s3LogPrefixes: [...c.rules.prefixes],
    s3LogOperations: [...c.rules.operations],
    s3LogGraceHours: c.rules.graceHours,
  });
}
