import type { GoneReason } from './gone.ts';
import type { ArrivalWindow } from './lost-days.ts';

/** What became of one failed range; the CLI prints it as one JSON line. */
export interface RangeOutcome {
  readonly shardId: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  readonly condition: string;
  readonly batchSize: number;
  /** `lost`: some records were no longer in the stream, and their possible days are marked incomplete. */
  readonly status: 'recovered' | 'lost';
  /** Captured into the summary. */
  readonly recovered: number;
  /** Filed as unreadable: an image capture cannot read, or a capture that kept failing. */
  readonly filed: number;
  /** Passed the filter but capture had nothing to write. */
  readonly skipped: number;
  /** Not in the stream any more. */
  readonly missing: number;
  readonly daysMarked: readonly string[];
  /** The reason written on the marked days. */
  readonly reason?: string;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');

/**
 * The reason a lost range's days are marked incomplete with, written so that
 * the digest can repeat it: `3 records dropped on shard X at T
 * (RetryAttemptsExhausted) could not be read back: trimmed from the stream`.
 * Pure.
 */
export function lostRangeReason(lost: {
  readonly missing: number;
  readonly batchSize: number;
  readonly shardId: string;
  readonly condition: string;
  readonly window: ArrivalWindow;
  readonly gone: GoneReason;
}): string {
  const { missing, batchSize, window } = lost;
  const count = missing === batchSize ? `${missing}` : `${missing} of ${batchSize}`;
  const noun = batchSize === 1 ? 'record' : 'records';
  const when = window.firstMs === window.lastMs ? `at ${iso(window.firstMs)}` : `between ${iso(window.firstMs)} and ${iso(window.lastMs)}`;
  return `${count} ${noun} dropped on shard ${lost.shardId} ${when} (${lost.condition}) could not be read back: ${lost.gone}`;
}

/** One sentence for a person: `3 of 3 records read back and captured` or what was lost and which days were marked. Pure. */
export function describeOutcome(o: RangeOutcome): string {
  const found = o.batchSize - o.missing;
  const parts = [`${found} of ${o.batchSize} record${o.batchSize === 1 ? '' : 's'} read back from shard ${o.shardId}`];
  parts.push(`${o.recovered} captured`);
  if (o.filed > 0) parts.push(`${o.filed} filed as unreadable`);
  if (o.skipped > 0) parts.push(`${o.skipped} with nothing to capture`);
  if (o.missing > 0) parts.push(`days ${o.daysMarked.join(', ')} marked incomplete: ${o.reason ?? ''}`);
  return parts.join('; ');
}
