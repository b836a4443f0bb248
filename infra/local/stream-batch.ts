import { randomUUID } from 'node:crypto';
import type { DynamoDBRecord } from 'aws-lambda';
import type { InvokeOutcome } from './stream-invoke.ts';
import { arrivalTimeOf, sequenceNumberOf } from './stream-record.ts';

export type FailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

/**
 * What Lambda sends to an on-failure destination (SQS/SNS) for a discarded
 * stream batch, plus the discarded records themselves, which the real
 * destination leaves out but a local caller can use.
 */
export interface OnFailureRecord {
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: 'local';
    readonly condition: FailureCondition;
    readonly approximateInvokeCount: number;
  };
  /** `statusCode` is 0 when the batch was discarded before any invocation. */
  readonly responseContext: {
    readonly statusCode: number;
    readonly executedVersion?: string;
    readonly functionError?: 'Unhandled';
  };
  readonly version: '1.0';
  readonly timestamp: string;
  readonly DDBStreamBatchInfo: {
    readonly shardId: string;
    readonly startSequenceNumber: string;
    readonly endSequenceNumber: string;
    readonly approximateArrivalOfFirstRecord: string;
    readonly approximateArrivalOfLastRecord: string;
    readonly batchSize: number;
    readonly streamArn: string;
  };
  readonly records: readonly DynamoDBRecord[];
}

export interface BatchPolicy {
  /** -1 retries until the records are too old. */
  readonly maxRetryAttempts: number;
  readonly bisectBatchOnFunctionError: boolean;
  /** -1 keeps records whatever their age. */
  readonly maxRecordAgeMs: number;
  /** Wait before the n-th retry (n from 1). */
  retryBackoffMs(retry: number): number;
}

export interface BatchRunner {
  readonly policy: BatchPolicy;
  readonly shardId: string;
  readonly streamArn: string;
  readonly signal: AbortSignal;
  invoke(records: readonly DynamoDBRecord[]): Promise<InvokeOutcome>;
  delivered(records: readonly DynamoDBRecord[]): void;
  /** Hands a discarded batch over; resolves once the caller has it. */
  discard(failure: OnFailureRecord): Promise<void>;
  wait(ms: number): Promise<void>;
  now(): number;
}

/**
 * Runs one batch the way the event source mapping does, until each record is
 * either delivered or discarded to the on-failure destination (or the poller
 * stops). A partial failure keeps what came before the lowest failed record
 * and retries from it; a function error splits the batch in two (splitting
 * does not use up retries, as in Lambda); retries of the same records are
 * bounded by `maxRetryAttempts` and by `maxRecordAgeMs`.
 */
export async function settleBatch(
  records: readonly DynamoDBRecord[],
  run: BatchRunner,
  parentOutcome?: InvokeOutcome,
): Promise<void> {
  const { policy } = run;
  let pending = records;
  // Failed invocations since the checkpoint last moved: the retries of pending[0].
  let retries = 0;
  let invokeCount = 0;
  let last = parentOutcome;
  while (pending.length > 0 && !run.signal.aborted) {
    const tooOld = leadingTooOld(pending, policy.maxRecordAgeMs, run.now());
    if (tooOld > 0) {
      await run.discard(failureRecord(pending.slice(0, tooOld), 'RecordAgeExceeded', last, invokeCount, run));
      pending = pending.slice(tooOld);
      continue;
    }
    last = await run.invoke(pending);
    invokeCount += 1;
    if (last.kind === 'success') {
      run.delivered(pending);
      return;
    }
    if (last.kind === 'error' && policy.bisectBatchOnFunctionError && pending.length > 1) {
      const half = Math.ceil(pending.length / 2);
      await settleBatch(pending.slice(0, half), run, last);
      await settleBatch(pending.slice(half), run, last);
      return;
    }
    const failedFrom = last.kind === 'partial' ? last.failedFrom : 0;
    if (failedFrom > 0) {
      run.delivered(pending.slice(0, failedFrom));
      pending = pending.slice(failedFrom);
      retries = 1;
    } else {
      retries += 1;
    }
    if (policy.maxRetryAttempts >= 0 && retries > policy.maxRetryAttempts) {
      await run.discard(failureRecord(pending, 'RetryAttemptsExhausted', last, invokeCount, run));
      return;
    }
    await run.wait(policy.retryBackoffMs(retries));
  }
}

function leadingTooOld(records: readonly DynamoDBRecord[], maxAgeMs: number, now: number): number {
  if (maxAgeMs < 0) return 0;
  let count = 0;
  for (const record of records) {
    const created = record.dynamodb?.ApproximateCreationDateTime;
    if (created === undefined || now - created * 1000 <= maxAgeMs) break;
    count += 1;
  }
  return count;
}

function failureRecord(
  records: readonly DynamoDBRecord[],
  condition: FailureCondition,
  last: InvokeOutcome | undefined,
  invokeCount: number,
  run: BatchRunner,
): OnFailureRecord {
  const first = records[0];
  const final = records[records.length - 1];
  if (first === undefined || final === undefined) throw new RangeError('A discarded batch has at least one record.');
  return {
    requestContext: {
      requestId: last?.requestId ?? randomUUID(),
      functionArn: 'local',
      condition,
      approximateInvokeCount: invokeCount,
    },
    responseContext:
      last === undefined
        ? { statusCode: 0 }
        : { statusCode: 200, executedVersion: '$LATEST', ...(last.kind === 'error' && { functionError: 'Unhandled' }) },
    version: '1.0',
    timestamp: new Date(run.now()).toISOString(),
    DDBStreamBatchInfo: {
      shardId: run.shardId,
      startSequenceNumber: sequenceNumberOf(first),
      endSequenceNumber: sequenceNumberOf(final),
      approximateArrivalOfFirstRecord: arrivalTimeOf(first),
      approximateArrivalOfLastRecord: arrivalTimeOf(final),
      batchSize: records.length,
      streamArn: run.streamArn,
    },
    records: structuredClone([...records]),
  };
}
