import { SUMMARY_TABLE } from './summary/model/table.ts';
import { EXECUTION_LOG_TABLE } from './tables.ts';
import { canonicalTimeZone } from './time/report-day.ts';

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

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
  readonly sesFrom: string;
  readonly sesTo: readonly string[];
  readonly reportAt: { readonly hour: number; readonly minute: number };
  readonly sendEmpty: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

// SES v2 takes at most 50 destinations per message.
const MAX_RECIPIENTS = 50;
const EMAIL_RE = /^(?:[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+|.*<[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+>)$/;

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  text(name: string, fallback?: string): string {
    const raw = this.env[name]?.trim();
    if (raw) return raw;
    if (fallback !== undefined) return fallback;
    this.problems.push(`${name} is required`);
    return '';
  }

  tableName(name: string, fallback: string): string {
    const value = this.text(name, fallback);
    if (!/^[a-zA-Z0-9_.-]{3,255}$/.test(value)) {
      this.problems.push(`${name}="${value}" is not a DynamoDB table name (3 to 255 of a-z A-Z 0-9 _ - .)`);
    }
    return value;
  }

  zone(name: string, fallback: string): string {
    const value = this.text(name, fallback);
    try {
      return canonicalTimeZone(value);
    } catch (e) {
      this.problems.push(`${name}: ${(e as Error).message}`);
      return 'UTC';
    }
  }

  positiveInt(name: string, fallback: number): number {
    const raw = this.env[name]?.trim();
    if (!raw) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) this.problems.push(`${name}="${raw}" must be a positive whole number`);
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.env[name]?.trim().toLowerCase();
    if (!raw) return fallback;
    if (['true', '1', 'yes'].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    this.problems.push(`${name}="${this.env[name]}" must be true or false`);
    return fallback;
  }

  email(name: string, value: string): void {
    if (value && !EMAIL_RE.test(value)) this.problems.push(`${name}: "${value}" is not an email address`);
  }

  clock(name: string, fallback: string): { hour: number; minute: number } {
    const value = this.text(name, fallback);
    const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
    if (!m) {
      this.problems.push(`${name}="${value}" must be a local time as HH:MM (00:00 to 23:59), e.g. 08:00`);
      return { hour: 8, minute: 0 };
    }
    return { hour: Number(m[1]), minute: Number(m[2]) };
  }

  done<T>(value: T): T {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
    return value;
  }
}

function readCapture(r: Reader): CaptureConfig {
  return {
    summaryTable: r.tableName('SUMMARY_TABLE', SUMMARY_TABLE.defaultName),
    reportTz: r.zone('REPORT_TZ', 'UTC'),
    retentionDays: r.positiveInt('SUMMARY_RETENTION_DAYS', 90),
  };
}

export function loadCaptureConfig(env: Env): CaptureConfig {
  const r = new Reader(env);
  return r.done(readCapture(r));
}

export interface DigestConfigOptions {
  /** Commands that never send mail (window, dry runs) do not need SES_FROM/SES_TO. @default true */
  readonly requireEmail?: boolean;
}

export function loadDigestConfig(env: Env, options: DigestConfigOptions = {}): DigestConfig {
  const r = new Reader(env);
  const requireEmail = options.requireEmail ?? true;
  const capture = readCapture(r);
  const sesFrom = r.text('SES_FROM', requireEmail ? undefined : '');
  r.email('SES_FROM', sesFrom);
  const sesTo = r
    .text('SES_TO', requireEmail ? undefined : '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const to of sesTo) r.email('SES_TO', to);
  if (sesTo.length > MAX_RECIPIENTS) r.problems.push(`SES_TO has ${sesTo.length} addresses; SES takes at most ${MAX_RECIPIENTS}`);
  return r.done({
    ...capture,
    executionTable: r.tableName('DDB_TABLE', EXECUTION_LOG_TABLE.defaultName),
    gsiName: r.text('GSI_NAME', EXECUTION_LOG_TABLE.gsi.defaultName),
    sesFrom,
    sesTo,
    reportAt: r.clock('REPORT_AT', '08:00'),
    sendEmpty: r.bool('SEND_EMPTY', true),
  });
}
