import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { truncate } from '../../shared/text.ts';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SOURCE,
  MAX_MESSAGE_CHARS,
  MAX_NAME_CHARS,
  cutMessage,
  dayOfEntry,
  processOf,
  readExecutionItem,
  type FailureEntry,
  type ItemReading,
} from '../../shared/capture/entry.ts';
import { errorSignature, NO_MESSAGE_TEMPLATE } from '../../shared/signature/signature.ts';
import { failureEntry } from '../support/failure-entry.ts';

const NOW = Date.parse('2026-11-26T07:00:00Z');
const TS = Date.parse('2026-11-25T08:15:30.123Z');
const DAY_MS = 24 * 3_600_000;

type Image = Record<string, AttributeValue>;

function failedImage(overrides: Image = {}): Image {
  return {
    pk: { S: 'nightly-export#run-42' },
    status: { S: 'FAILED' },
    event_ts: { N: String(TS) },
    message: { S: 'disk full' },
    ...overrides,
  };
}

function without(image: Image, key: string): Image {
  const copy = { ...image };
  delete copy[key];
  return copy;
}

function entryOf(reading: ItemReading): FailureEntry {
  if (reading.kind !== 'failure') throw new Error(`expected a failure, got ${JSON.stringify(reading)}`);
  return reading.entry;
}

function reasonOf(reading: ItemReading, kind: 'skip' | 'unreadable'): string {
  if (reading.kind !== kind) throw new Error(`expected ${kind}, got ${JSON.stringify(reading)}`);
  return reading.reason;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('readExecutionItem', () => {
  it('reads a FAILED item', () => {
    expect(readExecutionItem(failedImage(), NOW)).toEqual({
      kind: 'failure',
      entry: failureEntry({ pk: 'nightly-export#run-42', process: 'nightly-export', event_ts: TS, message: 'disk full', source: 'execution-log' }),
      fullMessage: 'disk full',
    });
    expect(DEFAULT_SOURCE).toBe('execution-log');
  });

  it('skips a missing image (REMOVE or KEYS_ONLY)', () => {
    expect(reasonOf(readExecutionItem(undefined, NOW), 'skip')).toMatch(/no new image/);
  });

  it.each([
    ['SUCCEEDED', { status: { S: 'SUCCEEDED' } }],
    ['RUNNING', { status: { S: 'RUNNING' } }],
    ['FAILED with a suffix', { status: { S: 'FAILED_RETRY' } }],
    ['FAILED padded with a non-breaking space', { status: { S: 'FAILED\u00a0' } }],
    ['a Unicode look-alike', { status: { S: 'FAİLED' } }],
    ['status as N', { status: { N: '1' } }],
  ] as const)('skips status %s', (_label, overrides) => {
    expect(reasonOf(readExecutionItem(failedImage(overrides), NOW), 'skip')).toMatch(/not FAILED/);
  });

  it('reads FAILED spelt in another case or padded, and keeps the spelling; exact FAILED carries none', () => {
    for (const status of ['failed', 'Failed', 'FAILED ', ' Failed', '\tFAILED\n']) {
      expect(entryOf(readExecutionItem(failedImage({ status: { S: status } }), NOW)).writtenStatus).toBe(status);
    }
    expect(entryOf(readExecutionItem(failedImage(), NOW))).not.toHaveProperty('writtenStatus');
  });

  it('cuts a process name, a source and a status spelling of any length, so the entry stays small', () => {
    const huge = 'x'.repeat(300_000);
    const entry = entryOf(readExecutionItem(failedImage({ process: { S: huge }, source: { S: huge }, status: { S: `FAILED${' '.repeat(300_000)}` } }), NOW));
    expect(entry.process).toHaveLength(MAX_NAME_CHARS);
    expect(entry.source).toHaveLength(MAX_NAME_CHARS);
    expect(entry.writtenStatus).toHaveLength(MAX_NAME_CHARS);
    expect(entry.writtenStatus!.startsWith('FAILED ')).toBe(true);
    const longPk = 'p'.repeat(2_000);
    expect(entryOf(readExecutionItem(failedImage({ pk: { S: longPk } }), NOW))).toMatchObject({ pk: longPk, process: 'p'.repeat(MAX_NAME_CHARS - 1) + '…' });
  });

  it('skips an item with no status', () => {
    expect(readExecutionItem(without(failedImage(), 'status'), NOW).kind).toBe('skip');
  });

  it.each([
    ['pk missing', without(failedImage(), 'pk'), /pk is missing/],
    ['pk as N', failedImage({ pk: { N: '42' } }), /pk has type N, expected S/],
    ['pk blank', failedImage({ pk: { S: '   ' } }), /pk is empty/],
    ['event_ts missing', without(failedImage(), 'event_ts'), /event_ts is missing/],
    ['event_ts as S', failedImage({ event_ts: { S: String(TS) } }), /event_ts has type S, expected N/],
    ['event_ts not a number', failedImage({ event_ts: { N: 'NaN' } }), /not a finite number/],
    ['event_ts in seconds', failedImage({ event_ts: { N: String(Math.floor(TS / 1000)) } }), /seconds/],
    ['event_ts before 2000', failedImage({ event_ts: { N: '946684799999' } }), /before 2000-01-01/],
    ['event_ts 8 days ahead', failedImage({ event_ts: { N: String(NOW + 8 * DAY_MS) } }), /future/],
    ['event_ts in microseconds', failedImage({ event_ts: { N: String(TS * 1000) } }), /future/],
    ['message as N', failedImage({ message: { N: '500' } }), /message has type N, expected S/],
  ] as const)('%s is unreadable with a reason', (_label, image, reason) => {
    expect(reasonOf(readExecutionItem(image, NOW), 'unreadable')).toMatch(reason);
  });

  it('only hints at seconds when the value looks like seconds', () => {
    expect(reasonOf(readExecutionItem(failedImage({ event_ts: { N: '12345' } }), NOW), 'unreadable')).not.toMatch(/seconds/);
  });

  it('accepts event_ts up to 7 days ahead and at 2000-01-01', () => {
    expect(entryOf(readExecutionItem(failedImage({ event_ts: { N: String(NOW + 7 * DAY_MS) } }), NOW)).event_ts).toBe(
      NOW + 7 * DAY_MS,
    );
    expect(entryOf(readExecutionItem(failedImage({ event_ts: { N: '946684800000' } }), NOW)).event_ts).toBe(946_684_800_000);
  });

  it('drops a fraction of a millisecond', () => {
    expect(entryOf(readExecutionItem(failedImage({ event_ts: { N: `${TS}.75` } }), NOW)).event_ts).toBe(TS);
  });

  it('reads a missing or NULL message as empty', () => {
    expect(entryOf(readExecutionItem(without(failedImage(), 'message'), NOW)).message).toBe('');
    expect(entryOf(readExecutionItem(failedImage({ message: { NULL: true } }), NOW)).message).toBe('');
  });

  it(`cuts a long message to ${MAX_MESSAGE_CHARS} characters ending with an ellipsis`, () => {
    const long = `Error: boom\n${'at frame\n'.repeat(200)}`;
    const message = entryOf(readExecutionItem(failedImage({ message: { S: long } }), NOW)).message;
    expect(message).toHaveLength(MAX_MESSAGE_CHARS);
    expect(message.endsWith('…')).toBe(true);
    expect(message.startsWith('Error: boom\nat frame\n')).toBe(true);
  });

  it('signs the whole message, and keeps a long Python traceback\'s last line after its cut head', () => {
    const frames = Array.from({ length: 20 }, (_, i) => `  File "/opt/app/pipeline/run.py", line ${100 + i}, in main\n    write_parquet(batch)`).join('\n');
    const traceback = `Traceback (most recent call last):\n${frames}\nValueError: bad row 4812`;
    const entry = entryOf(readExecutionItem(failedImage({ message: { S: traceback } }), NOW));
    expect(traceback.length).toBeGreaterThan(MAX_MESSAGE_CHARS);
    expect(entry.message).toHaveLength(MAX_MESSAGE_CHARS);
    expect(entry.message).toMatch(/^Traceback \(most recent call last\):\n {2}File "\/opt\/app\/pipeline\/run\.py", line 100, in main\n/);
    expect(entry.message).toMatch(/…\nValueError: bad row 4812$/);
    expect(entry).toMatchObject({ template: 'ValueError: bad row <int>', signature: errorSignature('ValueError: bad row 1').signature });
  });

  it('cuts a long traceback without a last line, and a long message that is not one, at the limit', () => {
    const header = `Traceback (most recent call last):\n${'  File "/opt/app/run.py", line 1, in main\n'.repeat(20)}`;
    expect(cutMessage(header)).toBe(truncate(header.trim(), MAX_MESSAGE_CHARS));
    const prose = `Job failed: ${'z'.repeat(600)}\nValueError: x`;
    expect(cutMessage(prose)).toBe(truncate(prose, MAX_MESSAGE_CHARS));
  });

  it('gives a missing message the signature of no message', () => {
    expect(entryOf(readExecutionItem(without(failedImage(), 'message'), NOW)).template).toBe(NO_MESSAGE_TEMPLATE);
  });

  it('keeps the process and source attributes, trimmed', () => {
    const entry = entryOf(readExecutionItem(failedImage({ process: { S: ' billing ' }, source: { S: ' reprocess ' } }), NOW));
    expect(entry.process).toBe('billing');
    expect(entry.source).toBe('reprocess');
  });

  it('falls back to the default source when source is blank', () => {
    expect(entryOf(readExecutionItem(failedImage({ source: { S: '  ' } }), NOW)).source).toBe('execution-log');
  });
});

describe('cutMessage', () => {
  it('trims and leaves a message of exactly the limit alone', () => {
    const exact = 'x'.repeat(MAX_MESSAGE_CHARS);
    expect(cutMessage(`  ${exact}\n`)).toBe(exact);
  });

  it('cuts one character over the limit', () => {
    const cut = cutMessage('y'.repeat(MAX_MESSAGE_CHARS + 1));
    expect(cut).toBe(`${'y'.repeat(MAX_MESSAGE_CHARS - 1)}…`);
  });

  it('never splits a character made of two UTF-16 code units', () => {
    // 300 emoji are 600 code units: a cut at an odd code-unit index lands inside a pair.
    const cut = cutMessage('\u{1F525}'.repeat(300));
    expect(cut.endsWith('…')).toBe(true);
    expect(cut).not.toMatch(LONE_SURROGATE);
  });
});

describe('processOf', () => {
  it.each([
    ['nightly-export#run-42', undefined, 'nightly-export'],
    ['a#b#c', undefined, 'a'],
    ['plain-job', undefined, 'plain-job'],
    ['#leading-hash', undefined, '#leading-hash'],
    ['nightly-export#run-42', 'billing', 'billing'],
    ['nightly-export#run-42', '  billing  ', 'billing'],
    ['nightly-export#run-42', '   ', 'nightly-export'],
    ['nightly-export#run-42', '', 'nightly-export'],
  ])('processOf(%j, %j) is %j', (pk, attr, expected) => {
    expect(processOf(pk, attr)).toBe(expected);
  });
});

describe('dayOfEntry', () => {
  it('is the local date of event_ts in the zone', () => {
    const entry: FailureEntry = failureEntry({ pk: 'a', process: 'a', event_ts: Date.parse('2026-11-25T23:30:00Z'), message: '', source: 'x' });
    expect(dayOfEntry(entry, 'UTC')).toBe('2026-11-25');
    expect(dayOfEntry(entry, 'Europe/Paris')).toBe('2026-11-26');
    expect(dayOfEntry(entry, 'America/New_York')).toBe('2026-11-25');
  });
});
