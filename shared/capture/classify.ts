import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { EXECUTION_LOG_TABLE } from '../tables.ts';
import { reportDayOf } from '../time/report-day.ts';
import { readExecutionItem, type FailureEntry } from './entry.ts';

export type RecordReading =
  | { readonly kind: 'failure'; readonly entry: FailureEntry; readonly day: string; readonly fullMessage: string }
  | { readonly kind: 'skip'; readonly reason: string }
  | {
      readonly kind: 'unreadable';
      readonly reason: string;
      /** Where it is filed: the report day the record arrived on, since its own time cannot be trusted. */
      readonly day: string;
      readonly id: string;
      /** The item's key when it is a string, so whoever fixes the writer can find the item. */
      readonly pk?: string;
      readonly sequence?: string;
      readonly raw: string;
      readonly receivedMs: number;
    };

/** When the stream saw the write, in epoch ms (Lambda sends seconds, sometimes with a fraction). */
export function arrivalMs(record: DynamoDBRecord, nowMs: number): number {
  const secs = Number(record.dynamodb?.ApproximateCreationDateTime);
  return Number.isFinite(secs) && secs > 0 ? Math.floor(secs * 1000) : nowMs;
}

/** The item's pk from the record's keys, or its new image; undefined when neither holds a string. */
function keyOf(record: DynamoDBRecord): string | undefined {
  const name = EXECUTION_LOG_TABLE.partitionKey;
  const pk = record.dynamodb?.Keys?.[name]?.S ?? record.dynamodb?.NewImage?.[name]?.S;
  return typeof pk === 'string' && pk !== '' ? pk : undefined;
}

/** Decides what one Lambda DynamoDB Streams record means for the summary. Pure. */
export function classifyStreamRecord(record: DynamoDBRecord, tz: string, nowMs: number): RecordReading {
  if (record.eventName === 'REMOVE') return { kind: 'skip', reason: 'REMOVE' };
  const received = arrivalMs(record, nowMs);
  const sequence = record.dynamodb?.SequenceNumber;
  const pk = keyOf(record);
  const unreadable = (reason: string): RecordReading => ({
    kind: 'unreadable',
    reason,
    day: reportDayOf(received, tz),
    id: sequence ?? record.eventID ?? `unknown-${received}`,
    ...(pk !== undefined ? { pk } : {}),
    ...(sequence !== undefined ? { sequence } : {}),
    raw: JSON.stringify(record.dynamodb?.NewImage ?? record),
    receivedMs: received,
  });
  if (!record.dynamodb || typeof record.dynamodb !== 'object') return unreadable('record has no dynamodb section');
  const image = record.dynamodb.NewImage as Record<string, AttributeValue> | undefined;
  const reading = readExecutionItem(image, nowMs);
  switch (reading.kind) {
    case 'skip':
      return reading;
    case 'unreadable':
      return unreadable(reading.reason);
    case 'failure':
      return { kind: 'failure', entry: reading.entry, day: reportDayOf(reading.entry.event_ts, tz), fullMessage: reading.fullMessage };
  }
}
