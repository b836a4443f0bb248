import type { DynamoDBRecord } from 'aws-lambda';
import type { SummaryStore } from '../summary/store.ts';
import { classifyStreamRecord } from './classify.ts';

export interface CaptureDeps {
  readonly store: SummaryStore;
  readonly tz: string;
  readonly clock: () => number;
  readonly onUnreadable?: (info: { reason: string; id: string; day: string }) => void;
}

/** `superseded`: the summary already holds a newer record of the same entry, which stays. */
export type CaptureResult = 'captured' | 'superseded' | 'skipped' | 'unreadable';

/**
 * Writes one stream record's failure into its report day, unless a newer
 * record of the same entry is already there: that is success too, not a
 * failure to retry. A FAILED record that cannot be read is filed with its
 * reason and raw image instead of being retried forever; a write error
 * propagates so the record is retried.
 */
export async function captureRecord(deps: CaptureDeps, record: DynamoDBRecord): Promise<CaptureResult> {
  const nowMs = deps.clock();
  const reading = classifyStreamRecord(record, deps.tz, nowMs);
  switch (reading.kind) {
    case 'skip':
      return 'skipped';
    case 'failure': {
      const sequence = record.dynamodb?.SequenceNumber;
      const outcome = await deps.store.putEntry(reading.entry, deps.tz, reading.day, { capturedMs: nowMs, sequence });
      return outcome === 'written' ? 'captured' : 'superseded';
    }
    case 'unreadable':
      await deps.store.putUnreadable(deps.tz, reading, nowMs);
      deps.onUnreadable?.({ reason: reading.reason, id: reading.id, day: reading.day });
      return 'unreadable';
  }
}
