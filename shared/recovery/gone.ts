/**
 * What the Streams API answers when records are no longer there to read, in
 * the words the digest repeats. DynamoDB Streams keeps a record 24 hours: an
 * iterator at an older sequence number, or one whose record was trimmed
 * before it was used, gets TrimmedDataAccessException, and a shard whose
 * records are all gone is no longer listed (ResourceNotFoundException), as is
 * the stream of a table deleted more than a day ago.
 */
export const GONE = {
  trimmed: 'trimmed from the stream',
  shard: 'the shard is no longer in the stream',
  stream: 'the stream no longer exists',
  expired: 'the shard iterator expired twice while reading them',
  missing: 'not found in the stream',
} as const;

export type GoneReason = (typeof GONE)[keyof typeof GONE];

/**
 * Why the records behind a failed Streams call are gone for good, or
 * undefined for an error that says nothing about them (throttling, a network
 * error, missing permissions): those are thrown, and the range is tried again.
 */
export function goneReason(error: unknown): GoneReason | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.name === 'TrimmedDataAccessException') return GONE.trimmed;
  if (error.name === 'ResourceNotFoundException') return /shard/i.test(error.message) ? GONE.shard : GONE.stream;
  return undefined;
}
