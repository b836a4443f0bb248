import { randomBytes, randomUUID } from 'node:crypto';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { sequenceNumberOf } from './stream-record.ts';

export type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | void>;

/** What one invocation came to, in the terms the event source mapping acts on. */
export type InvokeOutcome =
  | { readonly kind: 'success'; readonly requestId: string }
  /** `failedFrom` is the index of the lowest failed record: 0 means the whole batch failed. */
  | { readonly kind: 'partial'; readonly requestId: string; readonly failedFrom: number }
  | { readonly kind: 'error'; readonly requestId: string; readonly error: unknown };

export interface FunctionIdentity {
  readonly functionName: string;
  readonly region: string;
  readonly accountId: string;
}

/** The real runtime's timeout ceiling; a local consumer never runs out of time. */
const FUNCTION_TIMEOUT_MS = 15 * 60_000;

export async function invokeHandler(
  handler: StreamHandler,
  records: readonly DynamoDBRecord[],
  fn: FunctionIdentity,
  now: () => number,
): Promise<InvokeOutcome> {
  const context = lambdaContext(fn, now);
  const requestId = context.awsRequestId;
  // Each invocation gets its own copy, as the JSON round trip gives a real function.
  const event: DynamoDBStreamEvent = { Records: structuredClone([...records]) };
  let response: unknown;
  try {
    response = await handler(event, context);
  } catch (error) {
    return { kind: 'error', requestId, error };
  }
  const failedFrom = lowestFailure(records, response);
  return failedFrom === undefined ? { kind: 'success', requestId } : { kind: 'partial', requestId, failedFrom };
}

/**
 * Reads a `ReportBatchItemFailures` response. Lambda checkpoints at the lowest
 * reported sequence number, and treats an empty, missing or unknown
 * identifier as a failure of the whole batch.
 */
export function lowestFailure(records: readonly DynamoDBRecord[], response: unknown): number | undefined {
  if (response === undefined || response === null) return undefined;
  const failures = (response as Partial<DynamoDBBatchResponse>).batchItemFailures;
  if (failures === undefined || failures === null) return undefined;
  if (!Array.isArray(failures)) return 0;
  if (failures.length === 0) return undefined;
  let lowest = records.length;
  for (const failure of failures as unknown[]) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    const index = typeof id === 'string' && id !== '' ? records.findIndex((r) => sequenceNumberOf(r) === id) : -1;
    if (index === -1) return 0;
    lowest = Math.min(lowest, index);
  }
  return lowest;
}

export function lambdaContext(fn: FunctionIdentity, now: () => number): Context {
  const startedAt = now();
  const day = new Date(startedAt).toISOString().slice(0, 10).replaceAll('-', '/');
  const unsupported = (): never => {
    throw new Error('The local stream poller only supports async handlers: return a promise instead.');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${fn.region}:${fn.accountId}:function:${fn.functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${fn.functionName}`,
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, startedAt + FUNCTION_TIMEOUT_MS - now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
