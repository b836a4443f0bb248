import { ConfigError } from '../config.ts';
import { SUMMARY_TABLE } from '../summary/model/table.ts';
import { EXECUTION_LOG_TABLE } from '../tables.ts';
import { DEFAULT_GRACE_HOURS, OPERATION_PATTERN_RE, WRITES, type S3LogRules } from './rules.ts';

/** What the S3 log ingester, its sweep and the `s3-logs` commands need. */
export interface S3LogConfig {
  /** Where FAILED items go. */
  readonly executionTable: string;
  /** Where upload state is kept, next to the summaries. */
  readonly summaryTable: string;
  readonly retentionDays: number;
  readonly rules: S3LogRules;
}

type Env = Readonly<Record<string, string | undefined>>;

/** A grace period longer than a week would outlive the sweep's reach. */
export const MAX_GRACE_HOURS = 168;
const TABLE_RE = /^[a-zA-Z0-9_.-]{3,255}$/;
// S3 bucket naming rules: 3 to 63 of a-z 0-9 . -, starting and ending with a letter or digit.
export const BUCKET_NAME_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const list = (raw: string | undefined): string[] =>
  (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

export const RULE_VARS = { buckets: 'S3LOG_BUCKETS', operations: 'S3LOG_OPERATIONS', graceHours: 'S3LOG_GRACE_HOURS' } as const;

/** Checks of the rule settings, shared with the CDK context so a stack never deploys settings its function refuses. */
export function ruleProblems(
  values: {
    readonly buckets: readonly string[];
    readonly operations: readonly string[];
    readonly graceHours: number;
    /** The grace period as written, for the message. */
    readonly graceText?: string | undefined;
  },
  names: { readonly [K in keyof typeof RULE_VARS]: string } = RULE_VARS,
): string[] {
  const problems: string[] = [];
  for (const b of values.buckets) if (!BUCKET_NAME_RE.test(b)) problems.push(`${names.buckets}: "${b}" is not an S3 bucket name`);
  for (const op of values.operations) {
    if (op !== WRITES && !OPERATION_PATTERN_RE.test(op)) {
      problems.push(`${names.operations}: "${op}" is not an operation name or pattern (e.g. writes, REST.PUT.PART, REST.PUT.*)`);
    }
  }
  if (!Number.isFinite(values.graceHours) || values.graceHours <= 0 || values.graceHours > MAX_GRACE_HOURS) {
    problems.push(`${names.graceHours}="${values.graceText ?? values.graceHours}" must be a number of hours above 0 and at most ${MAX_GRACE_HOURS}`);
  }
  return problems;
}

/**
 * Reads and checks the ingester's settings once, at cold start; every problem
 * is listed in one error.
 *
 * | variable | default | meaning |
 * | `DDB_TABLE` | execution-logs | where FAILED items go |
 * | `SUMMARY_TABLE` | failure-digest-summary | where upload state is kept |
 * | `SUMMARY_RETENTION_DAYS` | 90 | TTL of the upload state |
 * | `S3LOG_BUCKETS` | all | source buckets to watch, comma-separated |
 * | `S3LOG_PREFIXES` | all | key prefixes to watch, comma-separated |
 * | `S3LOG_OPERATIONS` | writes | operations whose failures count, comma-separated |
 * | `S3LOG_GRACE_HOURS` | 6 | time a multipart upload has to complete |
 */
export function loadS3LogConfig(env: Env): S3LogConfig {
  const problems: string[] = [];
  const table = (name: string, fallback: string) => {
    const value = env[name]?.trim() || fallback;
    if (!TABLE_RE.test(value)) problems.push(`${name}="${value}" is not a DynamoDB table name (3 to 255 of a-z A-Z 0-9 _ - .)`);
    return value;
  };
  const executionTable = table('DDB_TABLE', EXECUTION_LOG_TABLE.defaultName);
  const summaryTable = table('SUMMARY_TABLE', SUMMARY_TABLE.defaultName);
  const retentionRaw = env['SUMMARY_RETENTION_DAYS']?.trim();
  const retentionDays = retentionRaw ? Number(retentionRaw) : 90;
  if (!Number.isInteger(retentionDays) || retentionDays <= 0) problems.push(`SUMMARY_RETENTION_DAYS="${retentionRaw}" must be a positive whole number`);

  const buckets = list(env['S3LOG_BUCKETS']);
  const prefixes = list(env['S3LOG_PREFIXES']);
  const operations = list(env['S3LOG_OPERATIONS']);
  const graceRaw = env['S3LOG_GRACE_HOURS']?.trim();
  const graceHours = graceRaw ? Number(graceRaw) : DEFAULT_GRACE_HOURS;
  problems.push(...ruleProblems({ buckets, operations, graceHours, graceText: graceRaw }));
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    executionTable,
    summaryTable,
    retentionDays,
    rules: { buckets, prefixes, operations: operations.length > 0 ? operations : [WRITES], graceMs: Math.round(graceHours * 3_600_000) },
  };
}
