import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { OnFailureHandler } from '../../functions/on-failure/handler.ts';
import { ON_FAILURE_QUEUE } from '../../shared/recovery/on-failure-queue.ts';
import { localOnFailureDestination } from '../../infra/local/on-failure-destination.ts';
import type { OnFailureRecord } from '../../infra/local/stream-batch.ts';

const FN = { functionName: 'on-failure', region: 'us-east-1', accountId: '000000000000' };

const failure: OnFailureRecord = {
  requestContext: { requestId: 'r-1', functionArn: 'local', condition: 'RetryAttemptsExhausted', approximateInvokeCount: 11 },
  responseContext: { statusCode: 200, executedVersion: '$LATEST' },
  version: '1.0',
  timestamp: '2026-11-20T12:00:00.000Z',
  DDBStreamBatchInfo: {
    shardId: 'shardId-1',
    startSequenceNumber: '000000000000000000001',
    endSequenceNumber: '000000000000000000001',
    approximateArrivalOfFirstRecord: '2026-11-20T11:59:59Z',
    approximateArrivalOfLastRecord: '2026-11-20T11:59:59Z',
    batchSize: 1,
    streamArn: 'arn:aws:dynamodb:ddblocal:000000000000:table/logs/stream/2026-11-20T00:00:00.000',
  },
  records: [{ eventName: 'INSERT', dynamodb: { SequenceNumber: '000000000000000000001' } }],
};

/** A function that fails its first `failures` deliveries, one way or the other, and keeps every event. */
function flaky(failures: number, how: 'throw' | 'report') {
  const events: SQSEvent[] = [];
  const handler: OnFailureHandler = async (event) => {
    events.push(event);
    if (events.length > failures) return { batchItemFailures: [] };
    if (how === 'throw') throw new Error('All records failed processing.');
    return { batchItemFailures: [{ itemIdentifier: event.Records[0]!.messageId }] };
  };
  return { handler, events };
}

const destination = (handler: OnFailureHandler, log: string[] = []) =>
  localOnFailureDestination({ handler, fn: FN, redeliverAfterMs: () => 0, log: (l) => log.push(l), now: () => Date.parse('2026-11-20T12:00:01Z') });

describe('the local on-failure destination', () => {
  it('sends the range as SQS would, with the body Lambda writes and without the local records', async () => {
    const { handler, events } = flaky(0, 'throw');
    expect(await destination(handler)(failure)).toBe(true);
    const [message] = events[0]!.Records;
    const { records: _left, ...sent } = failure;
    expect(JSON.parse(message!.body)).toEqual(sent);
    expect(message).toMatchObject({ eventSource: 'aws:sqs', awsRegion: 'us-east-1', attributes: { ApproximateReceiveCount: '1' } });
  });

  it.each(['throw', 'report'] as const)('delivers again while the function fails (%s), counting the receives', async (how) => {
    const { handler, events } = flaky(2, how);
    expect(await destination(handler)(failure)).toBe(true);
    expect(events.map((e) => e.Records[0]!.attributes.ApproximateReceiveCount)).toEqual(['1', '2', '3']);
    expect(new Set(events.map((e) => e.Records[0]!.messageId)).size).toBe(1);
  });

  it('gives up after as many receives as the queue\'s redrive policy allows', async () => {
    const { handler, events } = flaky(Number.POSITIVE_INFINITY, 'throw');
    const log: string[] = [];
    expect(await destination(handler, log)(failure)).toBe(false);
    expect(events).toHaveLength(ON_FAILURE_QUEUE.maxReceiveCount);
    expect(log.at(-1)).toBe(`on-failure: the function failed on receive ${ON_FAILURE_QUEUE.maxReceiveCount} of ${ON_FAILURE_QUEUE.maxReceiveCount}: All records failed processing.`);
  });
});
