import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FaultKind } from './fault-kinds.ts';

/**
 * An HTTP answer as the SDK's request handler hands it on. The faults answer
 * in the services' own wire format and let the SDK's deserializer make the
 * error, so it is the SDK's own exception class with the `$fault`,
 * `$metadata` and `$response` a real one has, and its retry treats it alike.
 */
export interface WireAnswer {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: Readable;
}

/** Appended to every injected message, so a log or an error line never passes an injected fault off as real. */
export const injectedBy = (kind: FaultKind) => `(injected by --fault ${kind})`;

/** Whether an error is one of ours, whichever class the SDK gave it. */
export const isInjectedFault = (e: unknown): boolean => e instanceof Error && /\(injected by --fault [\w-]+\)/.test(e.message);

function jsonAnswer(statusCode: number, headers: Record<string, string>, body: object): WireAnswer {
  const bytes = Buffer.from(JSON.stringify(body));
  return {
    statusCode,
    headers: { ...headers, 'content-length': String(bytes.length), 'x-amzn-requestid': randomUUID() },
    body: Readable.from([bytes]),
  };
}

// What DynamoDB says of an on-demand table or index over a partition's throughput (our tables are on-demand).
const DYNAMODB_THROTTLE_MESSAGE =
  'Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly. ' +
  'If exceptions persist, check if you have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html';

/**
 * DynamoDB's answer to a request over a key range's throughput (JSON 1.0
 * protocol), with the throttling reason and resource it now reports.
 */
export function dynamoDbThrottle(kind: FaultKind, reason: string, resourceArn: string): WireAnswer {
  return jsonAnswer(
    400,
    { 'content-type': 'application/x-amz-json-1.0' },
    {
      __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
      message: `${DYNAMODB_THROTTLE_MESSAGE} ${injectedBy(kind)}`,
      ThrottlingReasons: [{ reason, resource: resourceArn }],
    },
  );
}

/** SES v2's answer over the account's sending rate (REST JSON protocol: the error type in a header). */
export function sesTooManyRequests(kind: FaultKind): WireAnswer {
  return jsonAnswer(
    429,
    { 'content-type': 'application/json', 'x-amzn-errortype': 'TooManyRequestsException:http://internal.amazon.com/coral/com.amazonaws.sesv2/' },
    { message: `Maximum sending rate exceeded. ${injectedBy(kind)}` },
  );
}

/**
 * What the SDK's Node request handler throws when an answer does not come in
 * time. Named `TimeoutError` with code `ETIMEDOUT`, as the handler names its
 * own, because that name is what makes the SDK retry it as a transient error.
 */
export class InjectedTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(kind: FaultKind, operation: string) {
    super(`the answer to ${operation} did not arrive: the service accepted the request, the answer was dropped ${injectedBy(kind)}`);
    this.name = 'TimeoutError';
  }
}
