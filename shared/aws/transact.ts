import { TransactionCanceledException, type AttributeValue, type CancellationReason } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { backoff } from './retry.ts';

/** Cancellation reasons that say "try again later", not "no". */
const PASSING = new Set(['TransactionConflict', 'ProvisionedThroughputExceeded', 'ThrottlingError']);
/**
 * Errors of the whole request a retry here can clear. A throttle of the
 * whole request is not among them: the SDK retried it already, with its own
 * backoff, and retrying its last answer again would multiply its attempts.
 */
const RETRYABLE_ERRORS = new Set(['TransactionConflictException']);

export const TRANSACTION_ATTEMPTS = 6;

/** A transaction that kept conflicting or being throttled: the caller's record is retried as a whole. */
export class TransactionRetriesExhaustedError extends Error {
  constructor(
    readonly attempts: number,
    readonly lastReason: string,
  ) {
    super(`TransactWriteItems did not go through in ${attempts} attempts (last: ${lastReason})`);
    this.name = 'TransactionRetriesExhaustedError';
  }
}

export type TransactionItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Done, or refused by a condition: the index of each item whose condition failed, with the stored item if it asked for it. */
export type TransactionOutcome =
  | { readonly done: true }
  | { readonly done: false; readonly failed: ReadonlyMap<number, Record<string, unknown> | undefined> };

function failedConditions(reasons: readonly CancellationReason[]): Map<number, Record<string, unknown> | undefined> {
  const out = new Map<number, Record<string, unknown> | undefined>();
  reasons.forEach((r, i) => {
    if (r.Code === 'ConditionalCheckFailed') out.set(i, r.Item ? unmarshall(r.Item as Record<string, AttributeValue>) : undefined);
  });
  return out;
}

/** Why an attempt may be retried, or undefined when it may not. */
function passingReason(e: unknown): string | undefined {
  if (e instanceof TransactionCanceledException) {
    return (e.CancellationReasons ?? []).map((r) => r.Code).find((code) => code !== undefined && PASSING.has(code));
  }
  const name = (e as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && RETRYABLE_ERRORS.has(name) ? name : undefined;
}

/**
 * One TransactWriteItems, retried with backoff while it conflicts with
 * another transaction on one of its items or one of its items is throttled
 * (both cancel it, and the SDK does not retry a cancelled transaction), at
 * most `attempts` times; then the error propagates and the stream record is
 * retried. A failed
 * condition is returned, not thrown: for these writes it is an answer.
 */
export async function transactWrite(
  doc: DynamoDBDocumentClient,
  items: readonly TransactionItem[],
  attempts = TRANSACTION_ATTEMPTS,
): Promise<TransactionOutcome> {
  let last = '';
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await backoff(attempt);
    try {
      await doc.send(new TransactWriteCommand({ TransactItems: [...items] }));
      return { done: true };
    } catch (e) {
      // A condition that failed is an answer, whatever else happened to the other items.
      if (e instanceof TransactionCanceledException && e.CancellationReasons?.some((r) => r.Code === 'ConditionalCheckFailed')) {
        return { done: false, failed: failedConditions(e.CancellationReasons) };
      }
      const reason = passingReason(e);
      if (reason === undefined) throw e;
      last = reason;
    }
  }
  throw new TransactionRetriesExhaustedError(attempts, last);
}
