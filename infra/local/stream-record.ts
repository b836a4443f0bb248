import type { DynamoDBRecord } from 'aws-lambda';

export function sequenceNumberOf(record: DynamoDBRecord): string {
  return record.dynamodb?.SequenceNumber ?? '';
}

/** ISO time of a record's arrival in the stream, as the on-failure record writes it (no milliseconds when they are zero). */
export function arrivalTimeOf(record: DynamoDBRecord): string {
  const seconds = record.dynamodb?.ApproximateCreationDateTime;
  if (seconds === undefined) return '';
  return new Date(seconds * 1000).toISOString().replace(/\.000Z$/, 'Z');
}
