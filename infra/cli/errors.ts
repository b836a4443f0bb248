import { ConfigError } from '../../shared/settings/errors.ts';
import { nameOf } from '../../shared/settings/read.ts';

const USER_ERRORS = new Set([
  'ConfigError',
  'InvalidDateError',
  'UnknownTimeZoneError',
  'InvalidDigestEventError',
  'RangeError',
  'JavaMissingError',
  'DynamoDbLocalStartError',
  'UsageError',
  'ResourceNotFoundException',
]);

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** One clear line for what a person can fix; the stack only for what they cannot. */
export function describeError(e: unknown): { message: string; exitCode: number } {
  if (e instanceof ConfigError) return { message: e.message, exitCode: 2 };
  if (!(e instanceof Error)) return { message: String(e), exitCode: 1 };
  const code = (e as { code?: string }).code ?? (e.cause as { code?: string } | undefined)?.code;
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(e.message)) {
    return {
      message: `${e.message}\nCannot reach the AWS endpoint. For the local stack, run \`npm start\` and use the export lines it prints.`,
      exitCode: 1,
    };
  }
  if (e.name === 'UnrecognizedClientException' && process.env['AWS_ENDPOINT_URL_DYNAMODB']) {
    return {
      message: `${e.message}\nDynamoDB Local accepts only letters and digits in AWS_ACCESS_KEY_ID (e.g. AWS_ACCESS_KEY_ID=local).`,
      exitCode: 2,
    };
  }
  if (e.name === 'ResourceNotFoundException') {
    const names = (['executionTable', 'summaryTable', 'gsiName'] as const).map((k) => nameOf(k, 'env'));
    return { message: `${e.message} (check ${names.join(', ')} and the endpoint)`, exitCode: 1 };
  }
  if (USER_ERRORS.has(e.name)) return { message: e.message, exitCode: 2 };
  return { message: e.stack ?? e.message, exitCode: 1 };
}
