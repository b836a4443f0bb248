import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** How many dropped ranges of stream records still wait to be handled, or why that is not known. */
export type DropCount = { readonly pending: number } | { readonly unknown: string };

/** Where the mapping's dropped ranges wait for the on-failure handler. */
export interface DropQueue {
  pendingDrops(): Promise<DropCount>;
}

/**
 * The local mapping hands a dropped range to the on-failure handler and waits
 * for it before it reads further in that shard, so no range can wait while a
 * later heartbeat of the same shard is processed.
 */
export const INLINE_DROPS: DropQueue = { pendingDrops: async () => ({ pending: 0 }) };

/** For a digest that was not told where the queue is. */
export const unknownDrops = (why: string): DropQueue => ({ pendingDrops: async () => ({ unknown: why }) });

const ATTRIBUTES = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] as const;

/**
 * On AWS: the mapping's on-failure queue (ranges not yet handled, or being
 * handled) and the handler's dead-letter queue (ranges it gave up on).
 * SQS counts are approximate, but a queue that has held a message shows a
 * nonzero count, which is the direction that matters here.
 */
export function sqsDropQueue(sqs: SQSClient, queueUrls: readonly string[]): DropQueue {
  return {
    async pendingDrops() {
      let pending = 0;
      for (const QueueUrl of queueUrls) {
        const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: [...ATTRIBUTES] }));
        for (const name of ATTRIBUTES) pending += Number(out.Attributes?.[name] ?? 0);
      }
      return { pending };
    },
  };
}
