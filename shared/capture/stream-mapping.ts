import { HEARTBEAT_FILTER } from './heartbeat.ts';
import { FAILED_WRITES_FILTER } from './stream-filter.ts';

/**
 * The event source mapping between the execution-log stream and the stream
 * consumer, in the units and terms of Lambda's `CreateEventSourceMapping`.
 * The CDK stack deploys exactly this and the local poller takes it as its
 * defaults, so what the tests and the local stack exercise is what runs on AWS.
 */
export const STREAM_MAPPING = {
  /** The first deployment also captures what is already in the stream (up to 24 h), not only writes after the mapping exists. */
  startingPosition: 'TRIM_HORIZON',
  /**
   * Each FAILED record becomes one idempotent PutItem, written concurrently,
   * so 100 records take well under a second: far inside the function's
   * timeout even when throttled writes back off, and a batch that errors is
   * bisected down to its bad record in at most seven splits.
   */
  batchSize: 100,
  /**
   * The filter lets only failures through, so in quiet times batches are
   * tiny; during a failure storm the window lets them fill instead of
   * invoking once per record. A few seconds of delay are nothing to a daily digest.
   */
  maximumBatchingWindowInSeconds: 5,
  /**
   * Unreadable records are filed, not thrown, so what fails is a write
   * (throttling, an outage): worth a few tries, not Lambda's default of
   * retrying until the record expires, which stalls the shard.
   */
  maximumRetryAttempts: 10,
  /**
   * Well under the stream's 24 h retention, so dropped records can still be
   * read from the stream by their sequence numbers, and well over the
   * iterator-age alarm, so people hear about a lag hours before anything is dropped.
   */
  maximumRecordAgeInSeconds: 6 * 60 * 60,
  /** Splitting a failing batch isolates a bad record instead of failing its neighbours with it. */
  bisectBatchOnFunctionError: true,
  /** The consumer reports the records it could not write, so only those and the ones after them are retried. */
  reportBatchItemFailures: true,
  /**
   * Only INSERT and MODIFY records whose new `status` is FAILED reach the
   * consumer, and failure-digest's own heartbeats (the patterns are ORed).
   */
  filters: [FAILED_WRITES_FILTER, HEARTBEAT_FILTER],
} as const;
