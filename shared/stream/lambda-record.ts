import type { AttributeValue as StreamsAttributeValue, _Record } from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBRecord, StreamRecord } from 'aws-lambda';

export class UnsupportedAttributeValueError extends Error {
  constructor(keys: readonly string[]) {
    super(`Stream record holds an attribute value of an unknown type (keys: ${keys.join(', ') || 'none'}).`);
    this.name = 'UnsupportedAttributeValueError';
  }
}

/** Where the records come from, as Lambda stamps it on every record. */
export interface RecordSource {
  readonly streamArn: string;
  readonly region: string;
}

type Image = Record<string, AttributeValue>;

/**
 * Converts a GetRecords record into the record Lambda hands to a function.
 * The SDK parses the wire format (dates as `Date`, binaries as bytes); Lambda
 * passes the JSON on, so the creation time goes back to epoch seconds and
 * binaries back to base64, and the key order follows Lambda's events.
 */
export function toLambdaRecord(record: _Record, source: RecordSource): DynamoDBRecord {
  const d = record.dynamodb ?? {};
  const dynamodb: StreamRecord = {
    ...(d.ApproximateCreationDateTime && { ApproximateCreationDateTime: d.ApproximateCreationDateTime.getTime() / 1000 }),
    ...(d.Keys && { Keys: toImage(d.Keys) }),
    ...(d.NewImage && { NewImage: toImage(d.NewImage) }),
    ...(d.OldImage && { OldImage: toImage(d.OldImage) }),
    ...(d.SequenceNumber !== undefined && { SequenceNumber: d.SequenceNumber }),
    ...(d.SizeBytes !== undefined && { SizeBytes: d.SizeBytes }),
    ...(d.StreamViewType && { StreamViewType: d.StreamViewType }),
  };
  return {
    ...(record.eventID !== undefined && { eventID: record.eventID }),
    ...(record.eventName && { eventName: record.eventName }),
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: source.region,
    dynamodb,
    eventSourceARN: source.streamArn,
    ...(record.userIdentity && {
      userIdentity: { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId },
    }),
  };
}

function toImage(image: Record<string, StreamsAttributeValue>): Image {
  const out: Image = {};
  for (const [name, value] of Object.entries(image)) out[name] = toLambdaValue(value);
  return out;
}

function toLambdaValue(value: StreamsAttributeValue): AttributeValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.SS !== undefined) return { SS: [...value.SS] };
  if (value.NS !== undefined) return { NS: [...value.NS] };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaValue) };
  if (value.M !== undefined) return { M: toImage(value.M) };
  throw new UnsupportedAttributeValueError(Object.keys(value));
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
