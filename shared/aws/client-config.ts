export interface ClientOptions {
  readonly region?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Per-service endpoints; without them the SDK reads AWS_ENDPOINT_URL_<SERVICE> or talks to AWS. */
  readonly endpoints?: { readonly dynamodb?: string; readonly streams?: string; readonly ses?: string; readonly s3?: string; readonly sqs?: string };
}

/** Region and credentials shared by every client of one set. */
export function baseConfig(options: ClientOptions): { region?: string; credentials?: { accessKeyId: string; secretAccessKey: string } } {
  return {
    ...(options.region ? { region: options.region } : {}),
    ...(options.credentials ? { credentials: { ...options.credentials } } : {}),
  };
}

export const endpointConfig = (url: string | undefined): { endpoint?: string } => (url ? { endpoint: url } : {});
