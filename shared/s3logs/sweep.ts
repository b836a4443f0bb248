import type { S3LogDeps } from './deps.ts';
import { settleObjects, type ObjectRef, type SettleResult } from './settle.ts';

/** The `source` of the scheduled sweep's payload, which tells it from an S3 event. */
export const SWEEP_SOURCE = 'failure-digest.s3-log-sweep';

// Starts older than this are left alone: a week of outage is the most the
// sweep makes up for, and TTL removes the state soon after.
const SWEEP_LOOKBACK_MS = 7 * 86_400_000;

export interface SweepResult extends SettleResult {
  /** Starts whose grace period has run out and that were not judged yet. */
  readonly openStarts: number;
}

/**
 * Judges every upload whose grace period ran out without a log object about
 * it arriving since: the quiet case, where nothing else would look again.
 * Runs on a schedule, and after each local `ingest`.
 */
export async function sweepUploads(deps: S3LogDeps, nowMs: number): Promise<SweepResult> {
  const until = nowMs - deps.rules.graceMs;
  const open = await deps.uploads.listOpenStarts(until - SWEEP_LOOKBACK_MS, until);
  const objects = new Map<string, ObjectRef>();
  for (const s of open) {
    const id = `${s.bucket}\u0000${s.key}`;
    const known = objects.get(id);
    if (!known || s.startMs < known.fromMs) objects.set(id, { bucket: s.bucket, key: s.key, fromMs: s.startMs });
  }
  const settled = await settleObjects(deps, [...objects.values()], nowMs);
  return { ...settled, openStarts: open.length };
}
