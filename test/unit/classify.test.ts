import { readFileSync, readdirSync } from 'node:fs';
import type { AttributeValue, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_CHARS } from '../../shared/capture/entry.ts';
import { arrivalMs, classifyStreamRecord, type RecordReading } from '../../shared/capture/classify.ts';
import { failureEntry } from '../support/failure-entry.ts';

const FIXTURES = new URL('../fixtures/dynamodb-stream-events/', import.meta.url);
const NOW = Date.parse('2026-11-26T07:00:00Z');
const TZ = 'Europe/Paris';

type Image = Record<string, AttributeValue>;

function load(file: string): DynamoDBStreamEvent {
  return JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as DynamoDBStreamEvent;
}

/** A deep copy of one record of a real event, so tests can rewrite its images. */
function realRecord(file: string, index = 0): DynamoDBRecord {
  const record = load(file).Records[index];
  if (!record) throw new Error(`${file} has no record ${index}`);
  return structuredClone(record);
}

const fixtureFiles = [
  ...readdirSync(FIXTURES).filter((f) => f.endsWith('.json')),
  ...readdirSync(new URL('derived/', FIXTURES))
    .filter((f) => f.endsWith('.json'))
    .map((f) => `derived/${f}`),
].sort();

const NEW_AND_OLD_INSERT = 'ankcorn-dynamodb-streams-test__README__NEW_AND_OLD_IMAGES__INSERT.json';
const NEW_AND_OLD_MODIFY = 'ankcorn-dynamodb-streams-test__README__NEW_AND_OLD_IMAGES__MODIFY.json';
const NEW_AND_OLD_REMOVE = 'ankcorn-dynamodb-streams-test__README__NEW_AND_OLD_IMAGES__REMOVE.json';
const TTL_REMOVE = 'derived/DERIVED__ankcorn-NEW_AND_OLD_IMAGES-REMOVE__plus-TTL-userIdentity.json';

const EVENT_TS = Date.parse('2026-11-25T08:15:30.123Z');
// 23:30Z on the 25th is 00:30 on the 26th in Paris: the arrival day differs from the UTC day.
const ARRIVED_S = Date.parse('2026-11-25T23:30:00Z') / 1000;

function failedImage(overrides: Image = {}): Image {
  return {
    pk: { S: 'nightly-export#run-42' },
    status: { S: 'FAILED' },
    event_ts: { N: String(EVENT_TS) },
    message: { S: 'Error: disk full' },
    ...overrides,
  };
}

function without(image: Image, key: string): Image {
  const copy = { ...image };
  delete copy[key];
  return copy;
}

/** A real captured record with its item replaced by an execution-log item. */
function withItem(file: string, image: { new?: Image; old?: Image }): DynamoDBRecord {
  const record = realRecord(file);
  const ddb = record.dynamodb!;
  const key = image.new?.['pk'] ?? image.old?.['pk'];
  ddb.Keys = key ? { pk: key } : {};
  if (ddb.NewImage || image.new) {
    if (image.new) ddb.NewImage = image.new;
    else delete ddb.NewImage;
  }
  if (ddb.OldImage || image.old) {
    if (image.old) ddb.OldImage = image.old;
    else delete ddb.OldImage;
  }
  ddb.ApproximateCreationDateTime = ARRIVED_S;
  return record;
}

function expectFailure(reading: RecordReading) {
  if (reading.kind !== 'failure') throw new Error(`expected a failure, got ${JSON.stringify(reading)}`);
  return reading;
}

function expectUnreadable(reading: RecordReading) {
  if (reading.kind !== 'unreadable') throw new Error(`expected unreadable, got ${JSON.stringify(reading)}`);
  return reading;
}

const REMOVE = { kind: 'skip', reason: 'REMOVE' } as const;
const NO_NEW_IMAGE = { kind: 'skip', reason: 'no new image (REMOVE or KEYS_ONLY stream)' } as const;
const NOT_FAILED = { kind: 'skip', reason: 'status is not FAILED' } as const;

/** The execution-log item the FAILED variants carry in their images, and what the consumer makes of it. */
const FAILED_ITEM = failedImage();
const CAPTURED: RecordReading = {
  kind: 'failure',
  day: '2026-11-25',
  entry: failureEntry({ pk: 'nightly-export#run-42', process: 'nightly-export', event_ts: EVENT_TS, message: 'Error: disk full', source: 'execution-log' }),
  fullMessage: 'Error: disk full',
};

type Expected = readonly [eventName: string, asCaptured: RecordReading, failedVariant: RecordReading];

/**
 * Every record of every real event: its eventName, what the consumer reads
 * in it as it was captured (no real item has a `status`, so nothing is a
 * failure), and what it reads once the record's images hold a FAILED
 * execution-log item. Only a new image of an INSERT or MODIFY is ever read.
 */
const EXPECTED: Record<string, readonly Expected[]> = {
  'ankcorn-dynamodb-streams-test__README__KEYS_ONLY__INSERT.json': [['INSERT', NO_NEW_IMAGE, NO_NEW_IMAGE]],
  'ankcorn-dynamodb-streams-test__README__KEYS_ONLY__MODIFY.json': [['MODIFY', NO_NEW_IMAGE, NO_NEW_IMAGE]],
  'ankcorn-dynamodb-streams-test__README__KEYS_ONLY__REMOVE.json': [['REMOVE', REMOVE, REMOVE]],
  'ankcorn-dynamodb-streams-test__README__NEW_AND_OLD_IMAGES__INSERT.json': [['INSERT', NOT_FAILED, CAPTURED]],
  'ankcorn-dynamodb-streams-test__README__NEW_AND_OLD_IMAGES__MODIFY.json': [['MODIFY', NOT_FAILED, CAPTURED]],
  'ankcorn-dynamodb-streams-test__README__NEW_AND_OLD_IMAGES__REMOVE.json': [['REMOVE', REMOVE, REMOVE]],
  'ankcorn-dynamodb-streams-test__README__NEW_IMAGE__INSERT.json': [['INSERT', NOT_FAILED, CAPTURED]],
  'ankcorn-dynamodb-streams-test__README__NEW_IMAGE__MODIFY.json': [['MODIFY', NOT_FAILED, CAPTURED]],
  'ankcorn-dynamodb-streams-test__README__NEW_IMAGE__REMOVE.json': [['REMOVE', REMOVE, REMOVE]],
  'ankcorn-dynamodb-streams-test__README__OLD_IMAGE__INSERT.json': [['INSERT', NO_NEW_IMAGE, NO_NEW_IMAGE]],
  'ankcorn-dynamodb-streams-test__README__OLD_IMAGE__MODIFY.json': [['MODIFY', NO_NEW_IMAGE, NO_NEW_IMAGE]],
  'ankcorn-dynamodb-streams-test__README__OLD_IMAGE__REMOVE.json': [['REMOVE', REMOVE, REMOVE]],
  'aws-lambda-developer-guide__sample-apps-java-events__dynamodb-record.json': [
    ['INSERT', NOT_FAILED, CAPTURED],
    ['MODIFY', NOT_FAILED, CAPTURED],
  ],
  'aws-lambda-developer-guide__with-ddb-example-md__input.txt.json': [
    ['INSERT', NOT_FAILED, CAPTURED],
    ['MODIFY', NOT_FAILED, CAPTURED],
    ['REMOVE', REMOVE, REMOVE],
  ],
  'aws-lambda-developer-guide__with-ddb-md__DynamodbTimeWindowEvent.json': [
    ['INSERT', NOT_FAILED, CAPTURED],
    ['MODIFY', NOT_FAILED, CAPTURED],
    ['REMOVE', REMOVE, REMOVE],
  ],
  'aws-lambda-developer-guide__with-ddb-md__example-record-event.json': [
    ['INSERT', NOT_FAILED, CAPTURED],
    ['MODIFY', NOT_FAILED, CAPTURED],
  ],
  // The second record carries every attribute type; none of them disturbs the reading.
  'aws-lambda-go__events-testdata__dynamodb-event.json': [
    ['INSERT', NOT_FAILED, CAPTURED],
    ['INSERT', NOT_FAILED, CAPTURED],
  ],
  'aws-lambda-go__events-testdata__dynamodb-time-window-event.json': [
    ['INSERT', NOT_FAILED, CAPTURED],
    ['MODIFY', NOT_FAILED, CAPTURED],
    ['REMOVE', REMOVE, REMOVE],
  ],
  'aws-lambda-java-libs__aws-lambda-java-tests__dynamo_event.json': [
    ['INSERT', NOT_FAILED, CAPTURED],
    ['MODIFY', NOT_FAILED, CAPTURED],
    ['REMOVE', REMOVE, REMOVE],
  ],
  'derived/DERIVED__ankcorn-NEW_AND_OLD_IMAGES-REMOVE__plus-TTL-userIdentity.json': [['REMOVE', REMOVE, REMOVE]],
  'powertools-lambda-python__tests-events__dynamoStreamEvent.json': [
    ['INSERT', NOT_FAILED, CAPTURED],
    ['MODIFY', NOT_FAILED, CAPTURED],
  ],
};

/** The real record with the FAILED item put into whichever images it has, every other attribute kept. */
function failedVariant(record: DynamoDBRecord): DynamoDBRecord {
  const variant = structuredClone(record);
  const ddb = variant.dynamodb;
  if (ddb?.NewImage) ddb.NewImage = { ...ddb.NewImage, ...FAILED_ITEM };
  if (ddb?.OldImage) ddb.OldImage = { ...ddb.OldImage, ...FAILED_ITEM };
  return variant;
}

function describeReading(r: RecordReading): string {
  return r.kind === 'skip' ? `skipped (${r.reason})` : r.kind;
}

describe('every real fixture event', () => {
  it('has one expectation for each record of each fixture file', () => {
    expect(fixtureFiles).toHaveLength(21);
    expect(Object.keys(EXPECTED).sort()).toEqual(fixtureFiles);
    for (const file of fixtureFiles) expect(load(file).Records, file).toHaveLength(EXPECTED[file]!.length);
  });

  // A loop rather than it.each: the titles name the whole file, which it.each would cut short.
  for (const [file, records] of Object.entries(EXPECTED)) {
    records.forEach(([eventName, asCaptured, failed], i) => {
      it(`${file} #${i} ${eventName}: ${describeReading(asCaptured)} as captured, ${describeReading(failed)} as a FAILED write`, () => {
        const record = realRecord(file, i);
        expect(record.eventName).toBe(eventName);
        expect(classifyStreamRecord(record, TZ, NOW)).toEqual(asCaptured);
        expect(classifyStreamRecord(failedVariant(record), TZ, NOW)).toEqual(failed);
      });
    });
  }
});

describe('classifyStreamRecord on FAILED variants of the real events', () => {
  it('reads an INSERT of a FAILED item (NEW_AND_OLD_IMAGES)', () => {
    const reading = expectFailure(classifyStreamRecord(withItem(NEW_AND_OLD_INSERT, { new: failedImage() }), TZ, NOW));
    expect(reading).toEqual({
      kind: 'failure',
      day: '2026-11-25',
      fullMessage: 'Error: disk full',
      entry: {
        pk: 'nightly-export#run-42',
        process: 'nightly-export',
        event_ts: EVENT_TS,
        message: 'Error: disk full',
        source: 'execution-log',
        signature: '9da472c91fe16d66',
        template: 'Error: disk full',
      },
    });
  });

  it('reads a MODIFY from RUNNING to FAILED', () => {
    const record = withItem(NEW_AND_OLD_MODIFY, { new: failedImage(), old: failedImage({ status: { S: 'RUNNING' } }) });
    expect(record.eventName).toBe('MODIFY');
    expect(expectFailure(classifyStreamRecord(record, TZ, NOW)).entry.pk).toBe('nightly-export#run-42');
  });

  it('skips a MODIFY from FAILED to SUCCEEDED', () => {
    const record = withItem(NEW_AND_OLD_MODIFY, { new: failedImage({ status: { S: 'SUCCEEDED' } }), old: failedImage() });
    expect(classifyStreamRecord(record, TZ, NOW)).toEqual({ kind: 'skip', reason: 'status is not FAILED' });
  });

  it('skips the REMOVE of a FAILED item, TTL deletions included', () => {
    expect(classifyStreamRecord(withItem(NEW_AND_OLD_REMOVE, { old: failedImage() }), TZ, NOW)).toEqual({ kind: 'skip', reason: 'REMOVE' });
    expect(classifyStreamRecord(withItem(TTL_REMOVE, { old: failedImage() }), TZ, NOW)).toEqual({ kind: 'skip', reason: 'REMOVE' });
    // Even a REMOVE that carried a new image would not be a failure.
    const odd = withItem(NEW_AND_OLD_REMOVE, { old: failedImage(), new: failedImage() });
    expect(classifyStreamRecord(odd, TZ, NOW).kind).toBe('skip');
  });

  it.each([
    ['DELETED', { status: { S: 'DELETED' } }],
    ['SUCCEEDED', { status: { S: 'SUCCEEDED' } }],
    ['FAILED_RETRY', { status: { S: 'FAILED_RETRY' } }],
    ['padded SUCCESS', { status: { S: ' SUCCESS' } }],
  ] as const)('skips status %s', (_s, overrides) => {
    expect(classifyStreamRecord(withItem(NEW_AND_OLD_INSERT, { new: failedImage(overrides) }), TZ, NOW).kind).toBe('skip');
  });

  it.each(['failed', 'Failed', 'FAILED ', ' Failed', '\tfailed\r\n'])('captures status %j as a failure and keeps the spelling', (status) => {
    const reading = expectFailure(classifyStreamRecord(withItem(NEW_AND_OLD_INSERT, { new: failedImage({ status: { S: status } }) }), TZ, NOW));
    expect(reading.entry).toEqual({ ...(CAPTURED as { entry: object }).entry, writtenStatus: status });
  });

  it('files a failure under its local day: just before Paris midnight is the earlier day', () => {
    const justBefore = Date.parse('2026-11-25T22:59:59.999Z'); // 23:59:59.999 CET on the 25th
    const midnight = Date.parse('2026-11-25T23:00:00.000Z'); // 00:00 CET on the 26th
    const read = (ts: number, tz: string) =>
      expectFailure(classifyStreamRecord(withItem(NEW_AND_OLD_INSERT, { new: failedImage({ event_ts: { N: String(ts) } }) }), tz, NOW)).day;
    expect(read(justBefore, 'Europe/Paris')).toBe('2026-11-25');
    expect(read(midnight, 'Europe/Paris')).toBe('2026-11-26');
    expect(read(midnight, 'UTC')).toBe('2026-11-25');
  });

  it('keeps the process and source attributes', () => {
    const image = failedImage({ process: { S: 'billing' }, source: { S: 'batch-runner' } });
    const { entry } = expectFailure(classifyStreamRecord(withItem(NEW_AND_OLD_INSERT, { new: image }), TZ, NOW));
    expect(entry.process).toBe('billing');
    expect(entry.source).toBe('batch-runner');
  });

  it(`cuts the message to ${MAX_MESSAGE_CHARS} characters with an ellipsis`, () => {
    const image = failedImage({ message: { S: `Error: ${'x'.repeat(2_000)}` } });
    const { entry } = expectFailure(classifyStreamRecord(withItem(NEW_AND_OLD_INSERT, { new: image }), TZ, NOW));
    expect(entry.message).toHaveLength(MAX_MESSAGE_CHARS);
    expect(entry.message.endsWith('…')).toBe(true);
    expect(entry.message.startsWith('Error: xxx')).toBe(true);
  });
});

describe('classifyStreamRecord on unreadable FAILED records', () => {
  it.each([
    ['event_ts missing', without(failedImage(), 'event_ts'), /event_ts is missing/],
    ['event_ts as S', failedImage({ event_ts: { S: String(EVENT_TS) } }), /event_ts has type S/],
    ['event_ts in seconds', failedImage({ event_ts: { N: String(Math.floor(EVENT_TS / 1000)) } }), /seconds/],
    ['event_ts far in the future', failedImage({ event_ts: { N: String(NOW + 30 * 86_400_000) } }), /future/],
    ['pk missing', without(failedImage(), 'pk'), /pk is missing/],
    ['pk as N', failedImage({ pk: { N: '42' } }), /pk has type N/],
    ['message as N', failedImage({ message: { N: '1' } }), /message has type N/],
  ] as const)('%s: filed under the arrival day with its reason and raw image', (_label, image, reason) => {
    const record = withItem(NEW_AND_OLD_INSERT, { new: image });
    const reading = expectUnreadable(classifyStreamRecord(record, TZ, NOW));
    expect(reading.reason).toMatch(reason);
    expect(reading.day).toBe('2026-11-26');
    expect(reading.receivedMs).toBe(ARRIVED_S * 1000);
    expect(reading.id).toBe(record.dynamodb!.SequenceNumber);
    expect(reading.sequence).toBe(record.dynamodb!.SequenceNumber);
    expect(JSON.parse(reading.raw)).toEqual(image);
  });

  it("reports the item's pk when the record holds it as a string, from its keys or its image", () => {
    const unreadable = failedImage({ message: { N: '1' } });
    expect(expectUnreadable(classifyStreamRecord(withItem(NEW_AND_OLD_INSERT, { new: unreadable }), TZ, NOW)).pk).toBe('nightly-export#run-42');
    const keysOnlyInImage = withItem(NEW_AND_OLD_INSERT, { new: unreadable });
    keysOnlyInImage.dynamodb!.Keys = {};
    expect(expectUnreadable(classifyStreamRecord(keysOnlyInImage, TZ, NOW)).pk).toBe('nightly-export#run-42');
    for (const image of [without(failedImage(), 'pk'), failedImage({ pk: { N: '42' } })]) {
      expect(expectUnreadable(classifyStreamRecord(withItem(NEW_AND_OLD_INSERT, { new: image }), TZ, NOW))).not.toHaveProperty('pk');
    }
  });

  it('a record with no dynamodb section is unreadable, filed on the day it was handled', () => {
    const record = realRecord(NEW_AND_OLD_INSERT);
    delete record.dynamodb;
    const reading = expectUnreadable(classifyStreamRecord(record, TZ, NOW));
    expect(reading.reason).toMatch(/no dynamodb section/);
    expect(reading.day).toBe('2026-11-26');
    expect(reading.receivedMs).toBe(NOW);
    expect(reading.id).toBe('875a6e2b07e9c20f47730c69e960bc00');
    expect(JSON.parse(reading.raw)).toMatchObject({ eventID: '875a6e2b07e9c20f47730c69e960bc00', eventName: 'INSERT' });
  });

  it('a record with neither a dynamodb section nor an eventID still gets an id', () => {
    const record = realRecord(NEW_AND_OLD_INSERT);
    delete record.dynamodb;
    delete record.eventID;
    expect(expectUnreadable(classifyStreamRecord(record, TZ, NOW)).id).toBe(`unknown-${NOW}`);
  });
});

describe('arrivalMs', () => {
  it('reads integer seconds', () => {
    expect(arrivalMs(realRecord(NEW_AND_OLD_INSERT), NOW)).toBe(1_594_936_234_000);
  });

  it('reads a float with a fraction (1.635734407123456789E9)', () => {
    expect(arrivalMs(realRecord('aws-lambda-java-libs__aws-lambda-java-tests__dynamo_event.json', 1), NOW)).toBe(1_635_734_407_123);
  });

  it('reads 1693997155.0', () => {
    expect(arrivalMs(realRecord('powertools-lambda-python__tests-events__dynamoStreamEvent.json', 0), NOW)).toBe(1_693_997_155_000);
  });

  it('falls back to now when the record has no ApproximateCreationDateTime', () => {
    expect(arrivalMs(realRecord('aws-lambda-developer-guide__with-ddb-md__example-record-event.json'), NOW)).toBe(NOW);
  });
});
