import type { DynamoDBRecord } from 'aws-lambda';
import { backoff } from '../aws/retry.ts';
import type { ProcessDeps } from '../capture/process-record.ts';
import { matchesFilter } from '../capture/stream-filter.ts';
import { STREAM_MAPPING } from '../capture/stream-mapping.ts';
import { toLambdaRecord } from '../stream/lambda-record.ts';
import { GONE } from './gone.ts';
import { arrivalWindow, daysToMark } from './lost-days.ts';
import type { OnFailureRecord } from './on-failure-record.ts';
import { lostRangeReason, type RangeOutcome } from './outcome.ts';
import type { RangeReader } from './read-range.ts';
import { recapture, type RecaptureDeps } from './recapture.ts';

export type { RangeOutcome } from './outcome.ts';

export interface RecoveryDeps extends ProcessDeps {
  readonly reader: RangeReader;
  /** Tries of each record's capture before it is filed as unreadable. @default 3 */
  readonly attempts?: number;
  /** Waits before the try after `attempt`. @default full-jitter backoff from 100 ms */
  readonly pause?: (attempt: number) => Promise<void>;
}

const DEFAULT_ATTEMPTS = 3;

/**
 * Recovers the records of one range a stream mapping gave up on. The
 * on-failure record only says where they were, so they are read back from the
 * stream, put in the shape Lambda delivers, filtered as the mapping filters,
 * and captured again. A record that still cannot be captured is filed as
 * unreadable. Only what the stream no longer holds is lost: the days those
 * records may belong to are marked incomplete, so their digest reads the
 * index, with the reason, until `reprocess` rebuilds them. Idempotent: a
 * range recovered twice writes the same items.
 */
export async function recoverRange(deps: RecoveryDeps, failure: OnFailureRecord): Promise<RangeOutcome> {
  const info = failure.DDBStreamBatchInfo;
  const read = await deps.reader.read(info);
  const source = { streamArn: info.streamArn, region: regionOf(info.streamArn) };
  const records = read.records.map((r) => toLambdaRecord(r, source)).filter((r) => STREAM_MAPPING.filters.some((f) => matchesFilter(f, r)));

  // The mapping counts the records it handed over, after its filter: fewer here means some are gone.
  const missing = Math.max(0, info.batchSize - records.length);
  let marked: { days: string[]; reason: string } | undefined;
  if (missing > 0) {
    const window = arrivalWindow(failure);
    const reason = lostRangeReason({
      missing,
      batchSize: info.batchSize,
      shardId: info.shardId,
      condition: failure.requestContext.condition,
      window,
      gone: read.gone ?? GONE.missing,
    });
    const days = daysToMark(window, deps.tz);
    for (const day of days) await deps.store.markIncomplete(deps.tz, day, reason);
    marked = { days, reason };
  }

  const tally = await recaptureAll(deps, records);
  return {
    shardId: info.shardId,
    startSequenceNumber: info.startSequenceNumber,
    endSequenceNumber: info.endSequenceNumber,
    condition: failure.requestContext.condition,
    batchSize: info.batchSize,
    status: marked ? 'lost' : 'recovered',
    ...tally,
    missing,
    daysMarked: marked?.days ?? [],
    ...(marked && { reason: marked.reason }),
  };
}

// One record at a time: the range failed because writes were failing, and recovery should not add a burst to that.
async function recaptureAll(deps: RecoveryDeps, records: readonly DynamoDBRecord[]) {
  const r: RecaptureDeps = {
    ...deps,
    attempts: deps.attempts ?? DEFAULT_ATTEMPTS,
    pause: deps.pause ?? ((attempt) => backoff(attempt, 100)),
  };
  const tally = { recovered: 0, filed: 0, skipped: 0 };
  for (const record of records) {
    const result = await recapture(r, record);
    switch (result) {
      // A newer record of the same entry is already there: this one is done.
      case 'captured':
      case 'superseded':
        tally.recovered += 1;
        break;
      // A heartbeat moved its watermark: not a failure, so not counted as one.
      case 'skipped':
      case 'heartbeat':
        tally.skipped += 1;
        break;
      case 'unreadable':
      case 'filed':
        tally.filed += 1;
        break;
    }
  }
  return tally;
}

/** The region of a stream ARN, which Lambda stamps on each record as `awsRegion`. */
function regionOf(streamArn: string): string {
  return streamArn.split(':')[3] ?? '';
}
