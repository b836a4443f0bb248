import * as z from 'zod';

/** An on-failure message that cannot be a stream mapping's record: retrying it will never help. */
export class MalformedOnFailureRecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedOnFailureRecordError';
  }
}

// The Streams API's own limits: a shorter or non-numeric value is refused by GetShardIterator anyway.
const SEQUENCE_NUMBER_RE = /^\d{21,40}$/;
const STREAM_ARN_RE = /^arn:[^:\s]+:dynamodb:[^:\s]*:[^:\s]*:table\/[^/\s]+\/stream\/\S+$/;

/** The message of a wrong type, or of a field that is not there at all. */
const expected = (what: string) => (issue: { readonly input?: unknown }) =>
  issue.input === undefined ? `missing (expected ${what})` : `expected ${what}, got ${JSON.stringify(issue.input)}`;

const sequenceNumber = z.string({ error: expected('a sequence number') }).regex(SEQUENCE_NUMBER_RE, {
  error: (issue) => `expected a sequence number (a string of 21 to 40 digits), got ${JSON.stringify(issue.input)}`,
});
const nonEmpty = (what: string) => z.string({ error: expected(what) }).min(1, { error: `expected ${what}, got ""` });
// Lambda writes ISO times; the local mapping writes "" for a record without one. Either is read leniently (days.ts).
const arrival = z.string({ error: expected('an ISO time') });

const batchInfo = z.object(
  {
    shardId: nonEmpty('a shard id').max(65, { error: 'expected a shard id of at most 65 characters' }),
    startSequenceNumber: sequenceNumber,
    endSequenceNumber: sequenceNumber,
    approximateArrivalOfFirstRecord: arrival,
    approximateArrivalOfLastRecord: arrival,
    batchSize: z.number({ error: expected('a number of records') }).int({ error: 'expected a whole number' }).positive({ error: 'expected at least 1' }),
    streamArn: z.string({ error: expected('a DynamoDB stream ARN') }).regex(STREAM_ARN_RE, {
      error: (issue) => `expected a DynamoDB stream ARN, got ${JSON.stringify(issue.input)}`,
    }),
  },
  { error: expected('an object with the failed range') },
);

/**
 * What Lambda sends to a stream mapping's on-failure destination: where the
 * discarded records are, never the records themselves. Unknown fields (the
 * local mapping's `records`, anything AWS adds) are dropped, so nothing but
 * the stream can supply the records.
 */
const onFailureRecord = z.object(
  {
    requestContext: z.object({ condition: nonEmpty('a condition such as RetryAttemptsExhausted') }, { error: expected('an object') }),
    // When the range was discarded: the one time every record has, which the days to mark fall back on.
    timestamp: z.string({ error: expected('an ISO time') }).refine((t) => Number.isFinite(Date.parse(t)), {
      error: (issue) => `expected an ISO time, got ${JSON.stringify(issue.input)}`,
    }),
    DDBStreamBatchInfo: batchInfo,
  },
  { error: 'expected an on-failure record (a JSON object with DDBStreamBatchInfo)' },
);

export type OnFailureRecord = z.output<typeof onFailureRecord>;
export type StreamBatchInfo = OnFailureRecord['DDBStreamBatchInfo'];

/** Checks a parsed value; a problem is one line naming the field, e.g. `DDBStreamBatchInfo.shardId: expected a shard id`. */
export function parseOnFailureRecord(value: unknown): OnFailureRecord {
  const result = onFailureRecord.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new MalformedOnFailureRecordError(`${path}${issue?.message ?? 'not an on-failure record'}`);
}

/** An SQS message body (or one line of the local on-failure file): JSON holding one on-failure record. */
export function parseOnFailureMessage(body: string): OnFailureRecord {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    throw new MalformedOnFailureRecordError(`not JSON: ${(e as Error).message}`);
  }
  return parseOnFailureRecord(value);
}
