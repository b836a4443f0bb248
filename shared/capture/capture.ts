import type { DynamoDBRecord } from 'aws-lambda';
import type { SummaryStore } from '../summary/store.ts';
import { classifyStreamRecord } from './classify.ts';

/** What is said about a filed unreadable record: enough to find the item (`pk`) and the stream record (`sequence`). */
export interface UnreadableInfo {
  readonly reason: string;
  readonly id: string;
  readonly day: string;
  readonly pk?: string | undefined;
  readonly sequence?: string | undefined;
}

export interface CaptureDeps {
  readonly store: SummaryStore;
  readonly tz: string;
  readonly clock: () => number;
  readonly onUnreadable?: (info: UnreadableInfo) => void;
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
      const write = { capturedMs: nowMs, sequence, fullMessage: reading.fullMessage };
      const outcome = await deps.store.putEntry(reading.entry, deps.tz, reading.day, write);
      return outcome === 'written' ? 'captured' : 'superseded';
    }
    case 'unreadable':
      await deps.store.putUnreadable(deps.tz, reading, nowMs);
      deps.onUnreadable?.({ reason: reading.reason, id: reading.id, day: reading.day, pk: reading.pk, sequence: reading.sequence });
      return 'unreadable';
  }
}
