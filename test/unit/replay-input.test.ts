import { describe, expect, it } from 'vitest';
import { UsageError } from '../../infra/cli/errors.ts';
import { parseReplayInput } from '../../infra/cli/replay-input.ts';

const record = (shard: string) => ({
  requestContext: { requestId: 'r', functionArn: 'local', condition: 'RetryAttemptsExhausted', approximateInvokeCount: 11 },
  responseContext: { statusCode: 200 },
  version: '1.0',
  timestamp: '2026-11-20T12:00:00.000Z',
  DDBStreamBatchInfo: {
    shardId: shard,
    startSequenceNumber: '000000000000000000001',
    endSequenceNumber: '000000000000000000002',
    approximateArrivalOfFirstRecord: '2026-11-20T11:59:59Z',
    approximateArrivalOfLastRecord: '2026-11-20T11:59:59Z',
    batchSize: 2,
    streamArn: 'arn:aws:dynamodb:ddblocal:000000000000:table/logs/stream/2026-11-20T00:00:00.000',
  },
  records: [],
});
const shards = (text: string) => parseReplayInput(text, 'in.jsonl').map((r) => r.DDBStreamBatchInfo.shardId);
const line = (shard: string) => JSON.stringify(record(shard));

describe('replay input', () => {
  it.each<[string, string, string[]]>([
    ['the local on-failure file, one record a line', `${line('a')}\n${line('b')}\n\n`, ['a', 'b']],
    ['one SQS message body', line('a'), ['a']],
    ['one body spread over lines', JSON.stringify(record('a'), null, 2), ['a']],
    ['a JSON array of records', JSON.stringify([record('a'), record('b')]), ['a', 'b']],
    ['a JSON array of message bodies', JSON.stringify([line('a'), line('b')]), ['a', 'b']],
    ['what aws sqs receive-message prints', JSON.stringify({ Messages: [{ MessageId: 'm', Body: line('a') }] }), ['a']],
  ])('reads %s', (_what, text, expected) => {
    expect(shards(text)).toEqual(expected);
  });

  it.each<[string, string, string]>([
    ['a line that is not JSON', `${line('a')}\n{"DDB\n`, 'in.jsonl line 2: not JSON: '],
    ['a line that is not an on-failure record', `${line('a')}\n\n${JSON.stringify({ ...record('a'), DDBStreamBatchInfo: { ...record('a').DDBStreamBatchInfo, batchSize: 'two' } })}\n`, 'in.jsonl line 3: DDBStreamBatchInfo.batchSize: expected a number of records, got "two"'],
    ['an element of an array', JSON.stringify([record('a'), { hello: 1 }]), 'in.jsonl record 2: requestContext: missing (expected an object)'],
    ['a body of a received message', JSON.stringify({ Messages: [{ Body: '{' }] }), 'in.jsonl record 1: not JSON: '],
    ['a document that is no record', '{"hello": 1}', 'in.jsonl: requestContext: missing (expected an object)'],
  ])('refuses %s with one line saying where', (_what, text, start) => {
    let error: unknown;
    try {
      parseReplayInput(text, 'in.jsonl');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message.startsWith(start), (error as Error).message).toBe(true);
    expect((error as Error).message).not.toContain('\n');
  });

  it('refuses input without any record', () => {
    expect(() => parseReplayInput('\n  \n', 'standard input')).toThrow(new UsageError('standard input holds no on-failure records'));
  });
});
