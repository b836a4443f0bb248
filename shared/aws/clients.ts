import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { baseConfig, endpointConfig, type ClientOptions } from './client-config.ts';
import { createDynamoClients, type DynamoClients } from './dynamodb-clients.ts';
import { createStreamsClient } from './streams-client.ts';

export type { ClientOptions } from './client-config.ts';

export interface Clients extends DynamoClients {
  readonly streams: DynamoDBStreamsClient;
  readonly ses: SESv2Client;
  /** Reads S3 server access log objects. */
  readonly s3: S3Client;
  /** Reads how many dropped stream ranges wait in the on-failure queues. */
  readonly sqs: SQSClient;
  /** Tells the administrators, by a path that does not go through SES. */
  readonly sns: SNSClient;
}

/** The one place AWS clients are made; everything else receives them. */
export function createClients(options: ClientOptions = {}): Clients {
  const base = baseConfig(options);
  const endpoints = options.endpoints;
  return {
    ...createDynamoClients(options),
    streams: createStreamsClient(options),
    // One attempt per call: SES keeps no idempotency token, so a SendEmail the SDK retried by itself could go out twice.
    // Whether to call again is the send ledger's decision (shared/digest/deliver.ts).
    ses: new SESv2Client({ ...base, ...endpointConfig(endpoints?.ses), maxAttempts: 1 }),
    // Path-style when pointed at an endpoint: local S3 stand-ins have no per-bucket host names.
    s3: new S3Client({ ...base, ...endpointConfig(endpoints?.s3), ...(endpoints?.s3 ? { forcePathStyle: true } : {}) }),
    sqs: new SQSClient({ ...base, ...endpointConfig(endpoints?.sqs) }),
    sns: new SNSClient({ ...base, ...endpointConfig(endpoints?.sns) }),
  };
}

export function destroyClients(clients: Clients): void {
  clients.dynamodb.destroy();
  clients.streams.destroy();
  clients.ses.destroy();
  clients.s3.destroy();
  clients.sqs.destroy();
  clients.sns.destroy();
}
