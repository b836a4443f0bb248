import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type DynamoDBStreamsClient,
  type GetShardIteratorCommandInput,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { describeShards } from '../stream/describe-shards.ts';
import { GONE, goneReason, type GoneReason } from './gone.ts';
import type { StreamBatchInfo } from './on-failure-record.ts';
import { compareSequenceNumbers } from './sequence-numbers.ts';

/** GetShardIterator answered without an iterator, which the API never should: worth a retry, not a verdict. */
export class NoShardIteratorError extends Error {
  constructor(shardId: string) {
    super(`GetShardIterator returned no iterator for ${shardId}`);
    this.name = 'NoShardIteratorError';
  }
}

/** What the stream still holds of one failed range. */
export interface RangeRead {
  /** Every record from the start to the end sequence number, in stream order, before any filter. */
  readonly records: readonly _Record[];
  /** Set when the stream could not be read up to the end: why the rest is gone. */
  readonly gone?: GoneReason;
}

/** The port the use case reads through; `streamRangeReader` is the adapter for the Streams API. */
export interface RangeReader {
  read(info: StreamBatchInfo): Promise<RangeRead>;
}

/** DynamoDB Streams caps GetRecords at 1,000 records. */
const PAGE_LIMIT = 1_000;
/**
 * An open shard answers an empty page at its tip. A range's records were all
 * written before it failed, so a few empty pages in a row mean the rest of the
 * range is not there; the bound keeps a broken range from reading forever.
 */
const MAX_EMPTY_PAGES = 5;
const MAX_PAGES = 1_000;

/**
 * Reads a failed range back from the stream: an iterator at the start
 * sequence number, then GetRecords until past the end sequence number.
 * Errors that say the records are gone end the read with `gone`; any other
 * error is thrown, so the range is tried again.
 */
export function streamRangeReader(streams: DynamoDBStreamsClient): RangeReader {
  return { read: (info) => readRange(streams, info) };
}

async function readRange(streams: DynamoDBStreamsClient, info: StreamBatchInfo): Promise<RangeRead> {
  const { startSequenceNumber: start, endSequenceNumber: end } = info;
  const records: _Record[] = [];
  let last: string | undefined;
  let renewed = false;
  let empty = 0;
  let opened = await openAt(streams, info, { ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: start });
  for (let page = 0; page < MAX_PAGES; page += 1) {
    if ('gone' in opened) return { records, gone: opened.gone };
    let out;
    try {
      out = await streams.send(new GetRecordsCommand({ ShardIterator: opened.iterator, Limit: PAGE_LIMIT }));
    } catch (error) {
      // An iterator lives 15 minutes; one renewal resumes where the read was.
      if ((error as Error).name === 'ExpiredIteratorException') {
        if (renewed) return { records, gone: GONE.expired };
        renewed = true;
        const position: Position = last
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: last }
          : { ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: start };
        opened = await openAt(streams, info, position);
        continue;
      }
      const gone = goneReason(error);
      if (gone) return { records, gone };
      throw error;
    }
    for (const record of out.Records ?? []) {
      const seq = record.dynamodb?.SequenceNumber;
      if (seq === undefined) continue;
      if (compareSequenceNumbers(seq, end) > 0) return { records };
      if (compareSequenceNumbers(seq, start) >= 0) records.push(record);
      last = seq;
      renewed = false;
    }
    if (last !== undefined && compareSequenceNumbers(last, end) >= 0) return { records };
    // A closed shard ends here: what the range still lacks was never there or is gone.
    if (!out.NextShardIterator) return { records, gone: GONE.missing };
    empty = (out.Records ?? []).length === 0 ? empty + 1 : 0;
    if (empty >= MAX_EMPTY_PAGES) return { records, gone: GONE.missing };
    opened = { iterator: out.NextShardIterator };
  }
  return { records, gone: GONE.missing };
}

type Position = Pick<GetShardIteratorCommandInput, 'ShardIteratorType' | 'SequenceNumber'>;
type Opened = { readonly iterator: string } | { readonly gone: GoneReason };

/**
 * An iterator at a position of the range's shard, or why there is none. The
 * real service answers TrimmedDataAccessException for a sequence number older
 * than the trim point; DynamoDB Local answers ValidationException ("Invalid
 * SequenceNumber for the shard") for one before the shard's first, so that
 * answer is checked against the shard's own range before it counts as trimmed.
 */
async function openAt(streams: DynamoDBStreamsClient, info: StreamBatchInfo, position: Position): Promise<Opened> {
  let iterator: string | undefined;
  try {
    const out = await streams.send(new GetShardIteratorCommand({ StreamArn: info.streamArn, ShardId: info.shardId, ...position }));
    iterator = out.ShardIterator;
  } catch (error) {
    const gone = goneReason(error) ?? ((error as Error).name === 'ValidationException' ? await olderThanShard(streams, info) : undefined);
    if (gone) return { gone };
    throw error;
  }
  if (!iterator) throw new NoShardIteratorError(info.shardId);
  return { iterator };
}

/** Whether the range starts before the oldest record its shard still lists, or the shard is not listed at all. */
async function olderThanShard(streams: DynamoDBStreamsClient, info: StreamBatchInfo): Promise<GoneReason | undefined> {
  let shards;
  try {
    shards = await describeShards(streams, info.streamArn);
  } catch (error) {
    const gone = goneReason(error);
    if (gone) return gone;
    throw error;
  }
  const shard = shards.find((s) => s.ShardId === info.shardId);
  if (!shard) return GONE.shard;
  const oldest = shard.SequenceNumberRange?.StartingSequenceNumber;
  return oldest !== undefined && compareSequenceNumbers(info.startSequenceNumber, oldest) < 0 ? GONE.trimmed : undefined;
}
