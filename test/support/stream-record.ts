import type { DynamoDBRecord } from 'aws-lambda';

export interface FailedWrite {
  readonly pk: string;
  readonly ts: number;
  readonly sequence: string | number | bigint;
  readonly message?: string;
  /** @default 'INSERT' */
  readonly eventName?: 'INSERT' | 'MODIFY';
}

/** A FAILED write to the execution-log table as Lambda delivers it from the stream, arriving at its own time. */
export function failedWriteRecord(w: FailedWrite): DynamoDBRecord {
  return {
    eventID: `e-${w.sequence}`,
    eventName: w.eventName ?? 'INSERT',
    eventSource: 'aws:dynamodb',
    eventVersion: '1.1',
    awsRegion: 'us-east-1',
    dynamodb: {
      ApproximateCreationDateTime: w.ts / 1000,
      Keys: { pk: { S: w.pk } },
      NewImage: { pk: { S: w.pk }, status: { S: 'FAILED' }, event_ts: { N: String(w.ts) }, ...(w.message === undefined ? {} : { message: { S: w.message } }) },
      SequenceNumber: String(w.sequence),
      SizeBytes: 100,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}
