import type { DynamoDBRecord } from 'aws-lambda';
import type { CaptureResult } from '../capture/capture.ts';
import { processStreamRecord, type ProcessDeps } from '../capture/process-record.ts';
import { arrivalMs } from '../capture/classify.ts';
import type { UnreadableRecord } from '../summary/model/unreadable.ts';
import { EXECUTION_LOG_TABLE } from '../tables.ts';
import { reportDayOf } from '../time/report-day.ts';

export interface RecaptureDeps extends ProcessDeps {
  /** Tries of one record's capture before it is filed as unreadable. */
  readonly attempts: number;
  /** Waits before the try after `attempt` (from 1). */
  pause(attempt: number): Promise<void>;
}

/** `filed`: the capture kept failing, so the record was filed as unreadable with the error. */
export type RecaptureResult = CaptureResult | 'heartbeat' | 'filed';

/**
 * Handles a record read back from the stream, as the consumer would. The
 * mapping already retried it for minutes, so this tries a few more times and
 * then files it as unreadable with the last error: it is then on record and
 * counted in its day's digest instead of lost. A failure to file is thrown, so
 * the whole range is tried again (every write is idempotent).
 */
export async function recapture(deps: RecaptureDeps, record: DynamoDBRecord): Promise<RecaptureResult> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= deps.attempts; attempt += 1) {
    try {
      return await processStreamRecord(deps, record);
    } catch (error) {
      lastError = error;
      if (attempt < deps.attempts) await deps.pause(attempt);
    }
  }
  const nowMs = deps.clock();
  const filed = failedCapture(record, lastError, deps.attempts, deps.tz, nowMs);
  await deps.store.putUnreadable(deps.tz, filed, nowMs);
  deps.onUnreadable?.({ reason: filed.reason, id: filed.id, day: filed.day, pk: filed.pk, sequence: filed.sequence });
  return 'filed';
}

/**
 * The unreadable record for a capture that kept failing: filed under the day
 * it arrived on, as every unreadable record is, with its image for whoever
 * looks into it. Pure.
 */
export function failedCapture(record: DynamoDBRecord, error: unknown, attempts: number, tz: string, nowMs: number): UnreadableRecord {
  const receivedMs = arrivalMs(record, nowMs);
  const cause = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const sequence = record.dynamodb?.SequenceNumber;
  const pk = record.dynamodb?.NewImage?.[EXECUTION_LOG_TABLE.partitionKey]?.S;
  return {
    id: sequence ?? record.eventID ?? `unknown-${receivedMs}`,
    pk,
    sequence,
    reason: `could not be captured after the mapping's retries and ${attempts} more on recovery: ${cause}`,
    raw: JSON.stringify(record.dynamodb?.NewImage ?? record),
    receivedMs,
    day: reportDayOf(receivedMs, tz),
  };
}
