import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface Clients {
  readonly dynamodb: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly streams: DynamoDBStreamsClient;
  readonly ses: SESv2Client;
  /** Reads S3 server access log objects. */
  readonly s3: S3Client;
}

export interface ClientOptions {
  readonly region?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Per-service endpoints; without them the SDK reads AWS_ENDPOINT_URL_<SERVICE> or talks to AWS. */
  readonly endpoints?: { readonly dynamodb?: string; readonly streams?: string; readonly ses?: string; readonly s3?: string };
}

/** The one place AWS clients are made; everything else receives them. */
export function createClients(options: ClientOptions = {}): Clients {
  const base = {
    ...(options.region ? { region: options.region } : {}),
    ...(options.credentials ? { credentials: { ...options.credentials } } : {}),
  };
  const endpoint = (url: string | undefined) => (url ? { endpoint: url } : {});
  const dynamodb = new DynamoDBClient({ ...base, ...endpoint(options.endpoints?.dynamodb) });
  return {
    dynamodb,
    doc: DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } }),
    streams: new DynamoDBStreamsClient({ ...base, ...endpoint(options.endpoints?.streams ?? options.endpoints?.dynamodb) }),
    ses: new SESv2Client({ ...base, ...endpoint(options.endpoints?.ses) }),
    // Path-style when pointed at an endpoint: local S3 stand-ins have no per-bucket host names.
    s3: new S3Client({ ...base, ...endpoint(options.endpoints?.s3), ...(options.endpoints?.s3 ? { forcePathStyle: true } : {}) }),
  };
}

export function destroyClients(clients: Clients): void {
  clients.dynamodb.destroy();
  clients.streams.destroy();
  clients.ses.destroy();
  clients.s3.destroy();
}
