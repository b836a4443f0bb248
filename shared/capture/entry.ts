import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { exceptionLineOf } from '../signature/exception-line.ts';
import { errorSignature } from '../signature/signature.ts';
import { EXECUTION_LOG_TABLE } from '../tables.ts';
import { truncate } from '../text.ts';
import { reportDayOf } from '../time/report-day.ts';
import { isFailedStatus } from './failed-status.ts';

/** One captured failure, as the digest needs it. */
export interface FailureEntry {
  readonly pk: string;
  readonly process: string;
  readonly event_ts: number;
  /** The head of the message (MAX_MESSAGE_CHARS). */
  readonly message: string;
  readonly source: string;
  /** The error's signature and template (shared/signature), made from the whole message before it was cut. */
  readonly signature: string;
  readonly template: string;
  /** The status as written when it was not exactly FAILED (`failed`, `"FAILED "`): the digest asks for the writer to be fixed. */
  readonly writtenStatus?: string;
}

export type ItemReading =
  | {
      readonly kind: 'failure';
      readonly entry: FailureEntry;
      /** The whole message, trimmed, of which the entry keeps the head: the day group's sample is longer. */
      readonly fullMessage: string;
    }
  | { readonly kind: 'skip'; readonly reason: string }
  | { readonly kind: 'unreadable'; readonly reason: string };

/** Long stack traces are cut: the digest shows the head of the latest one. */
export const MAX_MESSAGE_CHARS = 500;
/**
 * Process names, sources and status spellings are cut too: whatever a writer
 * puts in them, an entry stays far below DynamoDB's 400 KB item limit (the pk,
 * kept whole, is at most 2,048 bytes as the source table's key).
 */
export const MAX_NAME_CHARS = 256;
// Before 2000-01-01 an epoch-ms value is almost surely seconds or garbage.
const MIN_PLAUSIBLE_MS = 946_684_800_000;
const MAX_FUTURE_MS = 7 * 24 * 3600 * 1000;
export const DEFAULT_SOURCE = 'execution-log';

const A = EXECUTION_LOG_TABLE.attributes;

const PYTHON_TRACEBACK = /^Traceback \(most recent call last\):?$/m;
/** The most of a traceback's last line kept after its cut head. */
const MAX_KEPT_LAST_LINE_CHARS = 200;

/**
 * The head of a message. A Python traceback names its error on its last
 * line, which a head would lose: that line is kept after the cut, so what
 * is stored still says which error it was.
 */
export function cutMessage(message: string): string {
  const text = message.trim();
  if (text.length <= MAX_MESSAGE_CHARS) return text;
  if (PYTHON_TRACEBACK.test(text)) {
    const last = truncate(exceptionLineOf(text), MAX_KEPT_LAST_LINE_CHARS);
    if (last !== '' && !PYTHON_TRACEBACK.test(last)) return `${truncate(text, MAX_MESSAGE_CHARS - last.length - 1)}\n${last}`;
  }
  return truncate(text, MAX_MESSAGE_CHARS);
}

/**
 * The process a failure belongs to: the `process` attribute when the writer
 * sets one, else the part of `pk` before the first `#` (`nightly-export#run-42`
 * groups under `nightly-export`), else the whole `pk`.
 */
export function processOf(pk: string, processAttr?: string): string {
  if (processAttr && processAttr.trim() !== '') return processAttr.trim();
  const hash = pk.indexOf('#');
  return hash > 0 ? pk.slice(0, hash) : pk;
}

function typeOf(v: AttributeValue): string {
  return Object.keys(v).find((k) => k !== '$unknown') ?? 'unknown';
}

/**
 * Reads one execution-log item in DynamoDB JSON (a stream image or a raw
 * Query item). Pure: `nowMs` bounds the plausible future.
 */
export function readExecutionItem(image: Record<string, AttributeValue> | undefined, nowMs: number): ItemReading {
  if (!image) return { kind: 'skip', reason: 'no new image (REMOVE or KEYS_ONLY stream)' };
  const status = image[A.status]?.S;
  if (status === undefined || !isFailedStatus(status)) return { kind: 'skip', reason: 'status is not FAILED' };

  const pk = image[EXECUTION_LOG_TABLE.partitionKey];
  if (!pk) return { kind: 'unreadable', reason: 'pk is missing' };
  if (pk.S === undefined) return { kind: 'unreadable', reason: `pk has type ${typeOf(pk)}, expected S (string)` };
  if (pk.S.trim() === '') return { kind: 'unreadable', reason: 'pk is empty' };

  const ts = image[A.eventTs];
  if (!ts) return { kind: 'unreadable', reason: 'event_ts is missing' };
  if (ts.N === undefined) return { kind: 'unreadable', reason: `event_ts has type ${typeOf(ts)}, expected N (epoch milliseconds)` };
  const eventTs = Number(ts.N);
  if (!Number.isFinite(eventTs)) return { kind: 'unreadable', reason: `event_ts ${ts.N} is not a finite number` };
  if (eventTs < MIN_PLAUSIBLE_MS) {
    const hint = eventTs >= 946_684_800 && eventTs < 1e11 ? ' (looks like epoch seconds; expected milliseconds)' : '';
    return { kind: 'unreadable', reason: `event_ts ${ts.N} is before 2000-01-01${hint}` };
  }
  if (eventTs > nowMs + MAX_FUTURE_MS) {
    return { kind: 'unreadable', reason: `event_ts ${ts.N} is more than 7 days in the future (microseconds?)` };
  }

  const msg = image[A.message];
  if (msg && msg.S === undefined && msg.NULL !== true) {
    return { kind: 'unreadable', reason: `message has type ${typeOf(msg)}, expected S (string)` };
  }
  const proc = image[A.process]?.S;
  const source = image[A.source]?.S;
  const message = msg?.S ?? '';
  // From the whole message: the head kept below may end before the line that names the error.
  const { signature, template } = errorSignature(message);
  return {
    kind: 'failure',
    fullMessage: message.trim(),
    entry: {
      pk: pk.S,
      process: truncate(processOf(pk.S, proc), MAX_NAME_CHARS),
      event_ts: Math.floor(eventTs),
      message: cutMessage(message),
      source: source && source.trim() !== '' ? truncate(source.trim(), MAX_NAME_CHARS) : DEFAULT_SOURCE,
      signature,
      template,
      ...(status !== EXECUTION_LOG_TABLE.failedStatus ? { writtenStatus: truncate(status, MAX_NAME_CHARS) } : {}),
    },
  };
}

export function dayOfEntry(entry: FailureEntry, tz: string): string {
  return reportDayOf(entry.event_ts, tz);
}
