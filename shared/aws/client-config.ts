export interface ClientOptions {
  readonly region?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Attempts per operation, the SDK's own retries included. @default the SDK's (4 for DynamoDB, 3 for the others) */
  readonly maxAttempts?: number;
  /** Per-service endpoints; without them the SDK reads AWS_ENDPOINT_URL_<SERVICE> or talks to AWS. */
  readonly endpoints?: { readonly dynamodb?: string; readonly streams?: string; readonly ses?: string; readonly s3?: string; readonly sqs?: string; readonly sns?: string };
}

/** Region, credentials and attempts shared by every client of one set. */
export function baseConfig(options: ClientOptions): {
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  maxAttempts?: number;
} {
  return {
    ...(options.region ? { region: options.region } : {}),
    ...(options.credentials ? { credentials: { ...options.credentials } } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  };
}

export const endpointConfig = (url: string | undefined): { endpoint?: string } => (url ? { endpoint: url } : {});
