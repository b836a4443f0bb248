import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { baseConfig, endpointConfig, type ClientOptions } from './client-config.ts';

/** Just the Streams client, for a function that needs it and DynamoDB only (the heartbeat writer). */
export function createStreamsClient(options: ClientOptions = {}): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient({ ...baseConfig(options), ...endpointConfig(options.endpoints?.streams ?? options.endpoints?.dynamodb) });
}
