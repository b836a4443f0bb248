import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type DynamoDBStreamsClient,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';

/** Where one shard's tail is being read from. */
export interface ShardCursor {
  readonly streamArn: string;
  readonly shardId: string;
  iterator: string | undefined;
}

/** The ids of the stream's open shards: those with no ending sequence number yet. */
export async function openShards(streams: DynamoDBStreamsClient, streamArn: string): Promise<string[]> {
  const open: string[] = [];
  let start: string | undefined;
  do {
    const out = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }));
    for (const shard of out.StreamDescription?.Shards ?? []) {
      if (shard.ShardId && shard.SequenceNumberRange?.EndingSequenceNumber === undefined) open.push(shard.ShardId);
    }
    start = out.StreamDescription?.LastEvaluatedShardId;
  } while (start);
  return open;
}

export async function latestIterators(streams: DynamoDBStreamsClient, streamArn: string, shardIds: readonly string[]): Promise<ShardCursor[]> {
  return Promise.all(
    shardIds.map(async (shardId) => {
      const out = await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'LATEST' }));
      return { streamArn, shardId, iterator: out.ShardIterator };
    }),
  );
}

/** What the shard got since the last read; nothing once it is closed and read to its end. */
export async function readNext(streams: DynamoDBStreamsClient, cursor: ShardCursor): Promise<_Record[]> {
  if (cursor.iterator === undefined) return [];
  let out;
  try {
    out = await streams.send(new GetRecordsCommand({ ShardIterator: cursor.iterator, Limit: 1_000 }));
  } catch (e) {
    // DynamoDB Local answers a LATEST iterator taken on a shard that held no record yet with this;
    // read such a shard from its start, which then holds only what came since.
    if (!(e instanceof TrimmedDataAccessException)) throw e;
    const again = await streams.send(
      new GetShardIteratorCommand({ StreamArn: cursor.streamArn, ShardId: cursor.shardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    out = await streams.send(new GetRecordsCommand({ ShardIterator: again.ShardIterator, Limit: 1_000 }));
  }
  cursor.iterator = out.NextShardIterator;
  return out.Records ?? [];
}
