import type { DescribedError } from './errors.ts';

const LOCAL_EXPORTS = 'the export lines that `failure-digest start` prints';
const ENDPOINT_VARIABLES = 'AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_DYNAMODB_STREAMS and AWS_ENDPOINT_URL_SESV2';

interface NetworkError {
  readonly code?: string;
  readonly hostname?: string;
  readonly address?: string;
  readonly port?: number;
}

const networkError = (e: Error): NetworkError => ({ ...(e.cause as NetworkError | undefined), ...(e as NetworkError) });

/**
 * What to set when the SDK could not get going: a new terminal has no credentials, or
 * no endpoint variables, and the SDK's own message says neither what nor where.
 */
export function setupHint(e: Error): DescribedError | undefined {
  if (e.name === 'CredentialsProviderError') {
    const profile = process.env['AWS_PROFILE'];
    const what = profile
      ? `set up profile "${profile}" (\`aws configure --profile ${profile}\`), or unset AWS_PROFILE and set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`
      : 'set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
    return {
      message: `no AWS credentials (${e.message.replace(/\.$/, '')}): ${what}; for the local stack, run ${LOCAL_EXPORTS}`,
      exitCode: 2,
    };
  }
  const net = networkError(e);
  if (net.code === 'ENOTFOUND' || net.code === 'EAI_AGAIN') {
    const host = net.hostname ?? 'the AWS endpoint';
    // An AWS host that does not resolve: either no network, or a run meant for the local stack.
    const where = /\.amazonaws\.com$/.test(host)
      ? `for the local stack, set ${ENDPOINT_VARIABLES} (${LOCAL_EXPORTS}); for AWS, check the network and AWS_REGION`
      : `check the AWS_ENDPOINT_URL_* variables (${LOCAL_EXPORTS})`;
    return { message: `cannot resolve ${host} (${net.code}): ${where}`, exitCode: 1 };
  }
  if (net.code === 'ECONNREFUSED') {
    const at = net.address ? `${net.address}${net.port ? `:${net.port}` : ''}` : 'the AWS endpoint';
    return {
      message: `nothing answers at ${at} (ECONNREFUSED): is the local stack running? \`failure-digest start\` runs it and prints the endpoints to export`,
      exitCode: 1,
    };
  }
  if (e.name === 'UnrecognizedClientException' && process.env['AWS_ENDPOINT_URL_DYNAMODB']) {
    return {
      message: `${e.message}: DynamoDB Local accepts only letters and digits in AWS_ACCESS_KEY_ID (e.g. AWS_ACCESS_KEY_ID=local)`,
      exitCode: 2,
    };
  }
  return undefined;
}
