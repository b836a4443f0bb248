import { judgeCompleteness, describeCompleteness, type Completeness } from '../evidence/completeness.ts';
import type { DropQueue } from '../evidence/drop-queue.ts';
import type { EvidenceStore } from '../evidence/store.ts';
import type { SummaryStore } from '../summary/store.ts';
import type { DayWindow } from '../time/report-day.ts';
import type { ReportSource } from './report.ts';

export interface SourceDeps {
  readonly store: SummaryStore;
  readonly evidence: EvidenceStore;
  readonly drops: DropQueue;
  readonly clock: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** How long a finished day may wait for capture to show it complete before the index is read instead. */
  readonly captureWaitMs: number;
  /** How often a waiting digest looks again. @default 10_000 */
  readonly capturePollMs?: number;
}

export interface SourceChoice {
  readonly source: ReportSource;
  /** For the reader of the email: why this source, and how sure. */
  readonly note: string;
  readonly completeness: Completeness;
}


/** Everything the judgement needs, read once. */
async function assess(deps: SourceDeps, window: DayWindow): Promise<Completeness> {
  const nowMs = deps.clock();
  const [captureSinceMs, dayState, rounds, watermarks, drops] = await Promise.all([
    deps.store.getCoverage(window.tz),
    deps.store.getDayState(window.tz, window.date),
    deps.evidence.roundsBetween(window.end_ms, nowMs),
    deps.evidence.watermarks(),
    deps.drops.pendingDrops(),
  ]);
  const judged = judgeCompleteness({ window, nowMs, captureSinceMs, dayState, rounds, watermarks, pendingDrops: 'pending' in drops ? drops.pending : 0 });
  if (!('unknown' in drops)) return judged;
  // A queue nobody looked at is no evidence that nothing waits in it.
  const missing = [...(judged.complete ? [] : judged.missing), `the on-failure queue was not checked (${drops.unknown})`];
  return { complete: false, missing, waitable: false };
}

/**
 * The summary when it is shown complete; otherwise, after waiting a bounded
 * time for capture to catch up, the index, with the reason in the note.
 */
export async function chooseSource(deps: SourceDeps, window: DayWindow): Promise<SourceChoice> {
  const deadline = deps.clock() + deps.captureWaitMs;
  const pollMs = deps.capturePollMs ?? 10_000;
  let completeness = await assess(deps, window);
  while (!completeness.complete && completeness.waitable && deps.clock() + pollMs <= deadline) {
    await deps.sleep(pollMs);
    completeness = await assess(deps, window);
  }
  if (completeness.complete) return { source: 'summary', note: describeCompleteness(completeness), completeness };
  return { source: 'gsi', note: `${describeCompleteness(completeness)} Read from the index instead.`, completeness };
}
