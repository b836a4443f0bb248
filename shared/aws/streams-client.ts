import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { baseConfig, endpointConfig, type ClientOptions } from './client-config.ts';

/**
 * The DynamoDB Streams client, in a module of its own like the DynamoDB
 * clients: the on-failure and heartbeat functions need both and bundle no other client.
 */
export function createStreamsClient(options: ClientOptions = {}): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient({ ...baseConfig(options), ...endpointConfig(options.endpoints?.streams ?? options.endpoints?.dynamodb) });
}
