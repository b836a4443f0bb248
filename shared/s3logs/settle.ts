import type { S3LogDeps } from './deps.ts';
import { correctionsForKey, itemsForKey } from './items.ts';
import { DECIDED_FATES, evaluateUploads, type UploadFate } from './uploads.ts';

/** An object whose uploads are to be judged again, with the earliest request of interest. */
export interface ObjectRef {
  readonly bucket: string;
  /** As logged. */
  readonly key: string;
  readonly fromMs: number;
}

export interface SettleResult {
  readonly objects: number;
  readonly uploads: Readonly<Record<UploadFate, number>>;
  /** FAILED items written (new, or rewritten with what is known now). */
  readonly itemsWritten: number;
  /** Items left alone because the table holds a better-informed version. */
  readonly itemsKept: number;
}

// History read before the first request of interest: the start of an upload
// that was slow to send its first part, and earlier starts it competes with.
const LOOKBACK_EXTRA_MS = 7 * 86_400_000;
const CONCURRENCY = 4;

export const emptyFates = (): Record<UploadFate, number> => ({
  completed: 0,
  'completed-late': 0,
  aborted: 0,
  incomplete: 0,
  pending: 0,
  untracked: 0,
});

/**
 * Judges the uploads of each object from every request stored for it, and
 * writes the FAILED items that calls for: the failed requests, each carrying
 * the upload's sentence, and one item for an upload that never completed (or
 * was aborted, or completed too late). Each decided start is marked so the
 * sweep stops reading it.
 */
export async function settleObjects(deps: S3LogDeps, objects: readonly ObjectRef[], nowMs: number): Promise<SettleResult> {
  const fates = emptyFates();
  let written = 0;
  let kept = 0;
  let next = 0;
  const lookback = deps.rules.graceMs + LOOKBACK_EXTRA_MS;
  const worker = async () => {
    while (next < objects.length) {
      const ref = objects[next++]!;
      const events = await deps.uploads.readEvents(ref.bucket, ref.key, ref.fromMs - lookback);
      const evaluation = evaluateUploads(events, nowMs, deps.rules.graceMs);
      for (const item of itemsForKey(evaluation, deps.rules)) {
        if (await deps.failures.putUnlessBetterKnown(item)) written += 1;
        else kept += 1;
      }
      for (const item of correctionsForKey(evaluation, deps.rules)) {
        if (await deps.failures.replaceIfPresent(item)) written += 1;
      }
      for (const u of evaluation.uploads) {
        fates[u.fate] += 1;
        if (u.init && DECIDED_FATES.has(u.fate)) await deps.uploads.markDecided(u.init, u.fate);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, objects.length) }, worker));
  return { objects: objects.length, uploads: fates, itemsWritten: written, itemsKept: kept };
}
