import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from './nag.ts';

export interface DeadLetterQueueProps {
  /**
   * How long a failure record waits for someone to look at it.
   * @default Duration.days(14), the SQS maximum
   */
  readonly retentionPeriod?: Duration;
}

/**
 * Where failures that ran out of retries end up, for an alarm and a human.
 * SQS-managed encryption rather than a KMS key: the senders (Lambda, the
 * Scheduler role) then need no key grants, and the messages are metadata
 * (shard and sequence numbers, a schedule payload, an S3 event), not the failure records.
 */
export class DeadLetterQueue extends Construct {
  readonly queue: sqs.Queue;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps = {}) {
    super(scope, id);
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: props.retentionPeriod ?? Duration.days(14),
    });
    acknowledge(
      this.queue,
      'AwsSolutions-SQS3',
      'This queue is itself the dead-letter destination of a queue, a schedule or asynchronous invocations; a queue behind it would only move the problem.',
    );
  }
}
