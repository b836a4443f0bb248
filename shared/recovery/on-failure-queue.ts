/**
 * The SQS queue between the stream mapping's on-failure destination and the
 * on-failure function, in the units of the SQS and Lambda APIs. The CDK stack
 * deploys it; the local stack, which calls the function directly, delivers a
 * range as often as SQS would before giving up on it.
 */
export const ON_FAILURE_QUEUE = {
  /** Ranges per invocation: each is a few Streams calls and up to a hundred writes, one at a time. */
  batchSize: 10,
  /**
   * Ten ranges of a hundred records take seconds; the rest is room for
   * throttled writes that back off, within the visibility timeout below.
   */
  functionTimeoutSeconds: 120,
  /** AWS asks for at least six times the function timeout, so a message is not handed out again while it is being worked on. */
  visibilityTimeoutSeconds: 6 * 120,
  /**
   * Deliveries of one range before it moves to the dead-letter queue. A range
   * only fails as a whole when the stream or the summary table does not
   * answer: a few tries, each after the visibility timeout, ride out an outage
   * of about an hour, well inside the stream's 24 hours.
   */
  maxReceiveCount: 5,
  /** Recovery runs while writes were failing: two at a time add little to that. */
  maxConcurrency: 2,
} as const;
