import * as z from 'zod';
import { readAddressList, readMailbox, type AddressProblem } from '../email/addresses.ts';
import { OPERATION_PATTERN_RE, WRITES } from '../s3logs/rules.ts';
import { readZone } from '../time/zones.ts';

/**
 * The checks of setting values, one per kind of value. Each reads the text of
 * a given value (trimmed, never empty) and refuses with the rest of a
 * sentence (`is not an e-mail address`) that the reader completes with the
 * setting's name and the offending text: `SES_TO="ops@@x" is not an e-mail
 * address`. A problem of the whole value (too many recipients) is marked so
 * that the reader names the setting only.
 */
export type Check<T> = z.ZodType<T, string>;

/** Marks an issue as about the whole value rather than one given text. */
export const WHOLE = { whole: true } as const;

type Ctx = z.core.$RefinementCtx<string>;

function refuse(ctx: Ctx, input: string, message: string): never {
  ctx.addIssue({ code: 'custom', input, message });
  return z.NEVER;
}

export function refuseWhole(ctx: Ctx, message: string): never {
  ctx.addIssue({ code: 'custom', message, params: WHOLE });
  return z.NEVER;
}

export interface LocalTime {
  readonly hour: number;
  readonly minute: number;
}

/** A wall-clock time `minutes` later, around midnight if need be. */
export function laterBy(at: LocalTime, minutes: number): LocalTime {
  const total = (((at.hour * 60 + at.minute + minutes) % 1440) + 1440) % 1440;
  return { hour: Math.floor(total / 60), minute: total % 60 };
}

/** `HH:MM`, the form a local time of day is written in. */
export function hhmm(at: LocalTime): string {
  return `${String(at.hour).padStart(2, '0')}:${String(at.minute).padStart(2, '0')}`;
}

const NAME_RE = /^[a-zA-Z0-9_.-]{3,255}$/;
// S3 bucket naming rules: 3 to 63 of a-z 0-9 . -, starting and ending with a letter or digit.
const BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const CLOCK_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;
const STREAM_ARN_RE = /^arn:(aws[a-z-]*):dynamodb:([a-z0-9-]+):(\d{12}):table\/([a-zA-Z0-9_.-]{3,255})\/stream\/([^/\s]+)$/;

export const text: Check<string> = z.string();

export const url: Check<string> = z.url({ protocol: /^https?$/, error: 'is not an http(s) URL' });

export const tableName: Check<string> = z.string().regex(NAME_RE, { error: 'is not a DynamoDB table name (3 to 255 of a-z A-Z 0-9 _ - .)' });

export const indexName: Check<string> = z.string().regex(NAME_RE, { error: 'is not a DynamoDB index name (3 to 255 of a-z A-Z 0-9 _ - .)' });

export const bucketName: Check<string> = z.string().regex(BUCKET_RE, { error: 'is not an S3 bucket name' });

export const zone: Check<string> = z.string().transform((raw, ctx) => {
  const reading = readZone(raw);
  return reading.ok ? reading.zone : refuse(ctx, raw, reading.problem);
});

export const clock: Check<LocalTime> = z.string().transform((raw, ctx) => {
  const m = CLOCK_RE.exec(raw);
  if (!m) return refuse(ctx, raw, 'must be a local time as HH:MM from 00:00 to 23:59, e.g. 08:00');
  return { hour: Number(m[1]), minute: Number(m[2]) };
});

export const bool: Check<boolean> = z.stringbool({
  truthy: ['true', 'yes', '1'],
  falsy: ['false', 'no', '0'],
  case: 'insensitive',
  error: 'must be true or false',
});

export function wholeNumber(min: number, max: number): Check<number> {
  return z.string().transform((raw, ctx) => {
    const n = Number(raw);
    return /^\d+$/.test(raw) && n >= min && n <= max ? n : refuse(ctx, raw, `must be a whole number from ${min} to ${max}`);
  });
}

/** Hours above 0, fractions allowed. */
export function hours(max: number): Check<number> {
  return z.string().transform((raw, ctx) => {
    const n = Number(raw);
    return /^\d+(\.\d+)?$/.test(raw) && n > 0 && n <= max ? n : refuse(ctx, raw, `must be a number of hours above 0 and at most ${max}`);
  });
}

/** One of `values`, in any case; the value as listed. */
export function oneOf<const T extends string>(values: readonly T[]): Check<T> {
  return z.string().transform((raw, ctx) => {
    const found = values.find((v) => v.toLowerCase() === raw.toLowerCase());
    return found ?? refuse(ctx, raw, `must be one of ${values.join(', ')}`);
  });
}

const TOPIC_ARN_RE = /^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/;

/** An SNS topic ARN. */
export const topicArn: Check<string> = z.string().regex(TOPIC_ARN_RE, { error: 'is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)' });

/** Where kept reports go: an S3 location, or an absolute folder of this machine. */
export const archiveLocation: Check<string> = z.string().refine((raw) => /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(raw) || raw.startsWith('/'), {
  error: 'is neither s3://bucket/prefix/ nor an absolute folder',
});

/** A number from a fixed set, e.g. the retention periods CloudWatch Logs offers. */
export function numberIn(values: readonly number[], what: string): Check<number> {
  return z.string().transform((raw, ctx) => {
    const n = Number(raw);
    return /^\d+$/.test(raw) && values.includes(n) ? n : refuse(ctx, raw, `is not ${what}; use one of ${values.join(', ')}`);
  });
}

/** A bare e-mail address, as an SNS e-mail subscription takes it. */
export const address: Check<string> = z.email({ error: 'is not an e-mail address' });

/** The address inside `Display Name <address>`, or the whole text when it is not one mailbox. */
export function addressOf(mailbox: string): string {
  return readMailbox(mailbox).mailboxes[0]?.address ?? mailbox.trim();
}

function refuseAll(ctx: Ctx, problems: readonly AddressProblem[]): never {
  for (const p of problems) ctx.addIssue({ code: 'custom', input: p.input, message: p.message });
  return z.NEVER;
}

/** One address with an optional display name, as SES takes a From: `Reports <reports@example.com>`. */
export const mailbox: Check<string> = z.string().transform((raw, ctx) => {
  const read = readMailbox(raw);
  return read.problems.length === 0 ? raw : refuseAll(ctx, read.problems);
});

/**
 * Comma-separated mailboxes, as SES takes a To: each entry as written. An
 * empty entry or an empty list is refused, each bad entry named.
 */
export function mailboxes(limit: { readonly max: number; readonly noun: string; readonly why: string }): Check<string[]> {
  return z.string().transform((raw, ctx) => {
    const read = readAddressList(raw);
    for (const p of read.problems) ctx.addIssue({ code: 'custom', input: p.input, message: p.message });
    // Bad entries count too: fixing them must not then run into the limit.
    const count = read.mailboxes.length + read.problems.filter((p) => p.input !== raw).length;
    if (count > limit.max) refuseWhole(ctx, `has ${count} ${limit.noun}; ${limit.why}`);
    return read.problems.length === 0 ? read.mailboxes.map((m) => m.text) : z.NEVER;
  });
}

/** Comma-separated values, each checked; empty parts are dropped. */
export function listOf<T>(item: Check<T>, limit?: { readonly max: number; readonly noun: string; readonly why: string }): Check<T[]> {
  return z.string().transform((raw, ctx) => {
    const parts = raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const out: T[] = [];
    for (const part of parts) {
      const read = item.safeParse(part, { reportInput: true });
      if (read.success) out.push(read.data);
      else for (const issue of read.error.issues) ctx.addIssue({ code: 'custom', input: part, message: issue.message });
    }
    if (limit && parts.length > limit.max) refuseWhole(ctx, `has ${parts.length} ${limit.noun}; ${limit.why}`);
    return out;
  });
}

/** An S3 operation name or pattern (`REST.PUT.PART`, `REST.PUT.*`), or `writes`. */
export const operation: Check<string> = z.string().refine((op) => op === WRITES || OPERATION_PATTERN_RE.test(op), {
  error: 'is not an operation name or pattern (e.g. writes, REST.PUT.PART, REST.PUT.*)',
});

export interface StreamArn {
  readonly arn: string;
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly tableName: string;
}

export const streamArn: Check<StreamArn> = z.string().transform((raw, ctx) => {
  const m = STREAM_ARN_RE.exec(raw);
  if (!m) return refuse(ctx, raw, 'is not a DynamoDB stream ARN (arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL)');
  const [, partition = '', region = '', account = '', name = ''] = m;
  return { arn: raw, partition, region, account, tableName: name };
});
