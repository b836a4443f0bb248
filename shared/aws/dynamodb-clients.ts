import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { baseConfig, endpointConfig, type ClientOptions } from './client-config.ts';

export interface DynamoClients {
  readonly dynamodb: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
}

/**
 * Just the DynamoDB clients, in a module of their own: a function that needs
 * nothing else (the stream consumer) bundles and loads no other SDK client.
 */
export function createDynamoClients(options: ClientOptions = {}): DynamoClients {
  const dynamodb = new DynamoDBClient({ ...baseConfig(options), ...endpointConfig(options.endpoints?.dynamodb) });
  return { dynamodb, doc: DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } }) };
}
