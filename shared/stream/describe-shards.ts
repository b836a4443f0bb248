import { DescribeStreamCommand, type DynamoDBStreamsClient, type Shard } from '@aws-sdk/client-dynamodb-streams';

/** Every shard of the stream, following DescribeStream's pages. */
export async function describeShards(streams: DynamoDBStreamsClient, streamArn: string, signal?: AbortSignal): Promise<Shard[]> {
  const found: Shard[] = [];
  let exclusiveStartShardId: string | undefined;
  do {
    const out = await streams.send(
      new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
      { abortSignal: signal },
    );
    found.push(...(out.StreamDescription?.Shards ?? []));
    exclusiveStartShardId = out.StreamDescription?.LastEvaluatedShardId;
  } while (exclusiveStartShardId);
  return found;
}
