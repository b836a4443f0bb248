import { createHash, randomUUID } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { OnFailureHandler } from '../../functions/on-failure/handler.ts';
import { ON_FAILURE_QUEUE } from '../../shared/recovery/on-failure-queue.ts';
import type { OnFailureRecord } from './stream-batch.ts';
import { lambdaContext, type FunctionIdentity } from './stream-invoke.ts';
import { backoffMs, errorMessage } from './stream-support.ts';

export interface LocalOnFailureDestinationOptions {
  readonly handler: OnFailureHandler;
  readonly fn: FunctionIdentity;
  /** @default ON_FAILURE_QUEUE.maxReceiveCount */
  readonly maxReceiveCount?: number;
  /** Wait before the n-th redelivery (n from 1); SQS waits a visibility timeout. @default 100 ms doubling */
  readonly redeliverAfterMs?: (receive: number) => number;
  readonly log: (message: string) => void;
  readonly now: () => number;
}

/**
 * The local stand-in for the on-failure queue: hands each discarded range to
 * the on-failure function in an SQS event, with the body Lambda writes (the
 * local mapping's `records` left out, so the function reads the stream as it
 * does on AWS), and delivers it again while it fails, as often as the queue's
 * redrive policy allows. Resolves true once the function took it, false when
 * it gave up: the range is still in the on-failure file for `replay`.
 */
export function localOnFailureDestination(options: LocalOnFailureDestinationOptions): (failure: OnFailureRecord) => Promise<boolean> {
  const maxReceiveCount = options.maxReceiveCount ?? ON_FAILURE_QUEUE.maxReceiveCount;
  const wait = options.redeliverAfterMs ?? backoffMs;
  return async (failure) => {
    const { records: _left, ...sent } = failure;
    const message = sqsMessage(JSON.stringify(sent), options.fn, options.now());
    for (let receive = 1; receive <= maxReceiveCount; receive += 1) {
      const event: SQSEvent = { Records: [{ ...message, attributes: { ...message.attributes, ApproximateReceiveCount: String(receive) } }] };
      try {
        const response = await options.handler(event, lambdaContext(options.fn, options.now));
        if (response.batchItemFailures.length === 0) return true;
      } catch (error) {
        options.log(`on-failure: the function failed on receive ${receive} of ${maxReceiveCount}: ${errorMessage(error)}`);
      }
      if (receive < maxReceiveCount) await new Promise((resolve) => setTimeout(resolve, wait(receive)));
    }
    return false;
  };
}

/** One message as the SQS event source hands it to a function, first delivery. */
export function sqsMessage(body: string, fn: FunctionIdentity, sentMs: number): SQSRecord {
  return {
    messageId: randomUUID(),
    receiptHandle: Buffer.from(randomUUID()).toString('base64'),
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(sentMs),
      SenderId: fn.accountId,
      ApproximateFirstReceiveTimestamp: String(sentMs),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${fn.region}:${fn.accountId}:${fn.functionName}-queue`,
    awsRegion: fn.region,
  };
}
