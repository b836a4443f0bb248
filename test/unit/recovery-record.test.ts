import { describe, expect, it } from 'vitest';
import { MalformedOnFailureRecordError, parseOnFailureMessage, parseOnFailureRecord } from '../../shared/recovery/on-failure-record.ts';

// The invocation record Lambda sends to an SQS or SNS on-failure destination of a DynamoDB
// stream mapping, as the Lambda developer guide shows it ("Example invocation record").
const AWS_EXAMPLE = {
  requestContext: {
    requestId: '316aa6d0-8154-xmpl-9af7-85d5f4a6bc81',
    functionArn: 'arn:aws:lambda:us-east-2:123456789012:function:myfunction',
    condition: 'RetryAttemptsExhausted',
    approximateInvokeCount: 1,
  },
  responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
  version: '1.0',
  timestamp: '2019-11-14T00:13:49.717Z',
  DDBStreamBatchInfo: {
    shardId: 'shardId-00000001573689847184-864758bb',
    startSequenceNumber: '800000000003126276362',
    endSequenceNumber: '800000000003126276362',
    approximateArrivalOfFirstRecord: '2019-11-14T00:13:19Z',
    approximateArrivalOfLastRecord: '2019-11-14T00:13:19Z',
    batchSize: 1,
    streamArn: 'arn:aws:dynamodb:us-east-2:123456789012:table/mytable/stream/2019-11-14T00:04:06.388',
  },
};

type Json = Record<string, any>;
const withInfo = (patch: Json): Json => ({ ...AWS_EXAMPLE, DDBStreamBatchInfo: { ...AWS_EXAMPLE.DDBStreamBatchInfo, ...patch } });
const without = (key: string): Json => {
  const info: Json = { ...AWS_EXAMPLE.DDBStreamBatchInfo };
  delete info[key];
  return { ...AWS_EXAMPLE, DDBStreamBatchInfo: info };
};

describe('parseOnFailureRecord', () => {
  it('reads the record Lambda sends, keeping what recovery needs', () => {
    expect(parseOnFailureRecord(AWS_EXAMPLE)).toEqual({
      requestContext: { condition: 'RetryAttemptsExhausted' },
      timestamp: AWS_EXAMPLE.timestamp,
      DDBStreamBatchInfo: AWS_EXAMPLE.DDBStreamBatchInfo,
    });
  });

  it('drops the records the local mapping adds, so only the stream can give them', () => {
    const local = { ...AWS_EXAMPLE, records: [{ eventName: 'INSERT', dynamodb: { NewImage: { pk: { S: 'x' } } } }] };
    expect(parseOnFailureRecord(local)).not.toHaveProperty('records');
  });

  it('accepts sequence numbers of up to 40 digits and the local mapping\'s empty arrival times', () => {
    const record = withInfo({
      startSequenceNumber: '4'.repeat(40),
      endSequenceNumber: '4'.repeat(40),
      approximateArrivalOfFirstRecord: '',
      approximateArrivalOfLastRecord: '',
      streamArn: 'arn:aws:dynamodb:ddblocal:000000000000:table/logs-1/stream/2026-12-01T23:49:35.207',
    });
    expect(parseOnFailureRecord(record).DDBStreamBatchInfo.startSequenceNumber).toHaveLength(40);
  });

  it.each<[string, unknown, string]>([
    ['not an object', 'hello', 'expected an on-failure record (a JSON object with DDBStreamBatchInfo)'],
    ['no batch info', { ...AWS_EXAMPLE, DDBStreamBatchInfo: undefined }, 'DDBStreamBatchInfo: missing (expected an object with the failed range)'],
    ['a Kinesis record', { ...AWS_EXAMPLE, DDBStreamBatchInfo: undefined, KinesisBatchInfo: {} }, 'DDBStreamBatchInfo: missing (expected an object with the failed range)'],
    ['no shard', without('shardId'), 'DDBStreamBatchInfo.shardId: missing (expected a shard id)'],
    ['an empty shard', withInfo({ shardId: '' }), 'DDBStreamBatchInfo.shardId: expected a shard id, got ""'],
    ['a short sequence number', withInfo({ startSequenceNumber: '12' }), 'DDBStreamBatchInfo.startSequenceNumber: expected a sequence number (a string of 21 to 40 digits), got "12"'],
    ['a numeric sequence number', withInfo({ endSequenceNumber: 8e20 }), 'DDBStreamBatchInfo.endSequenceNumber: expected a sequence number, got 800000000000000000000'],
    ['a fractional batch size', withInfo({ batchSize: 1.5 }), 'DDBStreamBatchInfo.batchSize: expected a whole number'],
    ['an empty batch', withInfo({ batchSize: 0 }), 'DDBStreamBatchInfo.batchSize: expected at least 1'],
    ['a Kinesis stream', withInfo({ streamArn: 'arn:aws:kinesis:us-east-2:123456789012:stream/mystream' }), 'DDBStreamBatchInfo.streamArn: expected a DynamoDB stream ARN, got "arn:aws:kinesis:us-east-2:123456789012:stream/mystream"'],
    ['no condition', { ...AWS_EXAMPLE, requestContext: {} }, 'requestContext.condition: missing (expected a condition such as RetryAttemptsExhausted)'],
    ['no time', { ...AWS_EXAMPLE, timestamp: 'yesterday' }, 'timestamp: expected an ISO time, got "yesterday"'],
  ])('refuses %s with one line naming the field', (_what, value, message) => {
    expect(() => parseOnFailureRecord(value)).toThrow(new MalformedOnFailureRecordError(message));
    try {
      parseOnFailureRecord(value);
    } catch (e) {
      expect((e as Error).name).toBe('MalformedOnFailureRecordError');
      expect((e as Error).message).not.toContain('\n');
    }
  });
});

describe('parseOnFailureMessage', () => {
  it('reads an SQS message body', () => {
    expect(parseOnFailureMessage(JSON.stringify(AWS_EXAMPLE)).DDBStreamBatchInfo.shardId).toBe(AWS_EXAMPLE.DDBStreamBatchInfo.shardId);
  });

  it('says when the body is not JSON at all', () => {
    expect(() => parseOnFailureMessage('{"requestContext":')).toThrow(/^not JSON: /);
  });
});
