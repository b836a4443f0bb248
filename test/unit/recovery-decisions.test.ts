import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { GONE, goneReason } from '../../shared/recovery/gone.ts';
import { arrivalWindow, daysToMark } from '../../shared/recovery/lost-days.ts';
import type { OnFailureRecord } from '../../shared/recovery/on-failure-record.ts';
import { describeOutcome, lostRangeReason, type RangeOutcome } from '../../shared/recovery/outcome.ts';
import { failedCapture } from '../../shared/recovery/recapture.ts';
import { compareSequenceNumbers, inRange } from '../../shared/recovery/sequence-numbers.ts';

const failure = (first: string, last: string, timestamp = '2026-11-20T12:00:00.000Z'): OnFailureRecord => ({
  requestContext: { condition: 'RetryAttemptsExhausted' },
  timestamp,
  DDBStreamBatchInfo: {
    shardId: 'shardId-00000001796168975250-dfcfffb9',
    startSequenceNumber: '000000000000000000001',
    endSequenceNumber: '000000000000000000003',
    approximateArrivalOfFirstRecord: first,
    approximateArrivalOfLastRecord: last,
    batchSize: 3,
    streamArn: 'arn:aws:dynamodb:ddblocal:000000000000:table/logs/stream/2026-11-20T00:00:00.000',
  },
});

const days = (first: string, last: string, tz: string, timestamp?: string) => daysToMark(arrivalWindow(failure(first, last, timestamp)), tz);

describe('the days a lost range marks incomplete', () => {
  it.each<[string, string, string, string, string[]]>([
    ['arrived within one day: that day and the one before', '2026-11-20T10:00:00Z', '2026-11-20T10:00:05Z', 'UTC', ['2026-11-19', '2026-11-20']],
    ['arrived across midnight: both days and the one before', '2026-11-20T23:59:58Z', '2026-11-21T00:00:03Z', 'UTC', ['2026-11-19', '2026-11-20', '2026-11-21']],
    ['arrived just before midnight: a fast writer clock may date it the next day', '2026-11-20T23:57:00Z', '2026-11-20T23:57:00Z', 'UTC', ['2026-11-19', '2026-11-20', '2026-11-21']],
    ['in the report zone, not in UTC', '2026-11-20T18:20:00Z', '2026-11-20T18:20:00Z', 'Asia/Kathmandu', ['2026-11-20', '2026-11-21']],
    ['on the day the clocks go back', '2026-10-25T01:30:00Z', '2026-10-25T01:30:00Z', 'Europe/Paris', ['2026-10-24', '2026-10-25']],
  ])('%s', (_what, first, last, tz, expected) => {
    expect(days(first, last, tz)).toEqual(expected);
  });

  it('reads the arrival times in either order', () => {
    expect(days('2026-11-21T00:00:03Z', '2026-11-20T23:59:58Z', 'UTC')).toEqual(['2026-11-19', '2026-11-20', '2026-11-21']);
  });

  it('without arrival times, covers the stream\'s whole retention before the range was discarded', () => {
    expect(arrivalWindow(failure('', '', '2026-11-20T12:00:00.000Z'))).toEqual({
      firstMs: Date.parse('2026-11-19T12:00:00Z'),
      lastMs: Date.parse('2026-11-20T12:00:00Z'),
    });
    expect(days('', '', 'UTC', '2026-11-20T12:00:00.000Z')).toEqual(['2026-11-18', '2026-11-19', '2026-11-20']);
  });
});

const named = (name: string, message = 'x') => Object.assign(new Error(message), { name });

describe('which Streams answers mean the records are gone', () => {
  it.each<[string, Error, string | undefined]>([
    ['a trimmed iterator position', named('TrimmedDataAccessException'), GONE.trimmed],
    ['a shard no longer listed (DynamoDB Local\'s words)', named('ResourceNotFoundException', 'Shard does not exist'), GONE.shard],
    ['a shard no longer listed (AWS\'s words)', named('ResourceNotFoundException', 'Requested resource not found: Shard: shardId-1 in Stream: arn not found'), GONE.shard],
    ['a stream no longer there', named('ResourceNotFoundException', 'Stream does not exist'), GONE.stream],
    ['throttling, which passes', named('LimitExceededException'), undefined],
    ['a service error, which passes', named('InternalServerError'), undefined],
    ['missing permissions', named('AccessDeniedException'), undefined],
    ['a sequence number the shard does not know, checked separately', named('ValidationException', 'Invalid SequenceNumber for the shard'), undefined],
  ])('%s', (_what, error, expected) => {
    expect(goneReason(error)).toBe(expected);
  });

  it('says nothing about what is not an error', () => {
    expect(goneReason('TrimmedDataAccessException')).toBeUndefined();
  });
});

describe('sequence numbers', () => {
  it('order by value, past what a number holds and across lengths', () => {
    expect(compareSequenceNumbers('9007199254740993000000', '9007199254740992999999')).toBe(1);
    expect(compareSequenceNumbers('000000000000000000009', '800000000003126276362')).toBe(-1);
    expect(compareSequenceNumbers('99999999999999999999999', '100000000000000000000000')).toBe(-1);
    expect(compareSequenceNumbers('000000000000000000007', '7'.padStart(21, '0'))).toBe(0);
  });

  it('lie in a range with both ends included', () => {
    const [a, b, c, d] = ['1', '2', '3', '4'].map((n) => n.padStart(21, '0')) as [string, string, string, string];
    expect([a, b, c, d].map((s) => inRange(s, b, c))).toEqual([false, true, true, false]);
  });
});

describe('what a lost range says', () => {
  const window = { firstMs: Date.parse('2026-11-20T10:00:00Z'), lastMs: Date.parse('2026-11-20T10:00:05.250Z') };
  const base = { batchSize: 3, shardId: 'shardId-X', condition: 'RetryAttemptsExhausted', window, gone: GONE.trimmed };

  it('names the count, the shard, the arrival times and why, for the digest to repeat', () => {
    expect(lostRangeReason({ ...base, missing: 3 })).toBe(
      '3 records dropped on shard shardId-X between 2026-11-20T10:00:00Z and 2026-11-20T10:00:05.250Z (RetryAttemptsExhausted) could not be read back: trimmed from the stream',
    );
  });

  it('says how many of the range are lost when the stream still held some', () => {
    expect(lostRangeReason({ ...base, missing: 2, gone: GONE.missing })).toMatch(/^2 of 3 records dropped .* not found in the stream$/);
  });

  it('reads well for one record at one time', () => {
    const one = { ...base, batchSize: 1, missing: 1, window: { firstMs: window.firstMs, lastMs: window.firstMs }, condition: 'RecordAgeExceeded' };
    expect(lostRangeReason(one)).toBe('1 record dropped on shard shardId-X at 2026-11-20T10:00:00Z (RecordAgeExceeded) could not be read back: trimmed from the stream');
  });

  it('tells a person what was recovered and what was marked', () => {
    const outcome: RangeOutcome = {
      shardId: 'shardId-X',
      startSequenceNumber: '1'.padStart(21, '0'),
      endSequenceNumber: '3'.padStart(21, '0'),
      condition: 'RetryAttemptsExhausted',
      batchSize: 3,
      status: 'recovered',
      recovered: 2,
      filed: 1,
      skipped: 0,
      missing: 0,
      daysMarked: [],
    };
    expect(describeOutcome(outcome)).toBe('3 of 3 records read back from shard shardId-X; 2 captured; 1 filed as unreadable');
    const lost = { ...outcome, status: 'lost' as const, recovered: 0, filed: 0, missing: 3, daysMarked: ['2026-11-19', '2026-11-20'], reason: 'why' };
    expect(describeOutcome(lost)).toBe('0 of 3 records read back from shard shardId-X; 0 captured; days 2026-11-19, 2026-11-20 marked incomplete: why');
  });
});

describe('a record whose capture kept failing', () => {
  const record: DynamoDBRecord = {
    eventID: 'e-1',
    eventName: 'INSERT',
    dynamodb: {
      ApproximateCreationDateTime: Date.parse('2026-11-20T23:30:00Z') / 1000,
      SequenceNumber: '000000000000000000042',
      NewImage: { pk: { S: 'billing#run-3' }, status: { S: 'FAILED' }, event_ts: { N: '1795500000000' } },
    },
  };
  const throttled = named('ProvisionedThroughputExceededException', 'The level of configured provisioned throughput for the table was exceeded.');

  it('is filed under the day it arrived on, by its sequence number, with the error and its image', () => {
    expect(failedCapture(record, throttled, 3, 'Asia/Kathmandu', 0)).toEqual({
      id: '000000000000000000042',
      pk: 'billing#run-3',
      sequence: '000000000000000000042',
      reason:
        "could not be captured after the mapping's retries and 3 more on recovery: ProvisionedThroughputExceededException: The level of configured provisioned throughput for the table was exceeded.",
      raw: JSON.stringify(record.dynamodb!.NewImage),
      receivedMs: Date.parse('2026-11-20T23:30:00Z'),
      day: '2026-11-21',
    });
  });
});
