import { HEARTBEAT_EVERY_MINUTES } from '../capture/heartbeat.ts';
import type { HeartbeatRound } from '../summary/model/capture-evidence.ts';
import type { DayState } from '../summary/model/day-state.ts';
import type { DayWindow } from '../time/report-day.ts';

/**
 * Whether the summary holds every failure of a day, and the evidence.
 *
 * A day is complete when both hold:
 * - capture has processed every stream record written before the day ended:
 *   a heartbeat round written after the end reached every open shard, and
 *   the consumer has processed that round's heartbeat on every slot (within
 *   a shard, records are delivered in order, so each shard is processed
 *   through the round), and capture was running when the day began;
 * - nothing of the day was dropped: no range is waiting in the on-failure
 *   queue, and no dropped range is marked on the day.
 * A day rebuilt by reprocess after it ended is complete on that evidence.
 */
export type Completeness =
  | { readonly complete: true; readonly evidence: Evidence }
  | {
      readonly complete: false;
      /** What is missing, for people: one sentence each. */
      readonly missing: readonly string[];
      /** Whether waiting a little can complete it (capture is catching up), as opposed to never. */
      readonly waitable: boolean;
    };

export type Evidence =
  | {
      readonly kind: 'capture';
      /** Every record written before this instant reached the consumer or the on-failure handler. */
      readonly capturedThroughMs: number;
      readonly round: { readonly writtenMs: number; readonly shards: number; readonly slots: number };
      readonly captureSinceMs: number;
      readonly pendingDrops: 0;
    }
  | { readonly kind: 'rebuilt'; readonly rebuiltMs: number };

export interface CompletenessInput {
  readonly window: DayWindow;
  readonly nowMs: number;
  /** Since when capture has run (COVERAGE); undefined: never. */
  readonly captureSinceMs: number | undefined;
  readonly dayState: DayState | undefined;
  /** Heartbeat rounds written since the day ended, oldest first. */
  readonly rounds: readonly HeartbeatRound[];
  /** The newest processed heartbeat of each slot. */
  readonly watermarks: ReadonlyMap<number, number>;
  /** Dropped ranges not yet handled by the on-failure handler. */
  readonly pendingDrops: number;
}

/**
 * How long after a day ends its digest should come, at the least: the first
 * heartbeat round after the end (within a round interval), the mapping's
 * batching window, and retries of a batch that was throttled. `cdk synth`
 * refuses a reportAt that leaves less, counting one more hour for a clock
 * change that night.
 */
export const CAPTURE_MARGIN_MINUTES = 30;

/** How long after a day ends its first round is due: a round interval and the time the round takes. */
export const ROUND_DUE_MS = (HEARTBEAT_EVERY_MINUTES + 2) * 60_000;

const iso = (ms: number) => new Date(ms).toISOString();

function proves(round: HeartbeatRound, watermarks: ReadonlyMap<number, number>): boolean {
  return round.uncovered.length === 0 && round.slots.length > 0 && round.slots.every((s) => (watermarks.get(s) ?? -1) >= round.writtenMs);
}

/** What the latest round lacks, for the reader. */
function roundGap(round: HeartbeatRound, watermarks: ReadonlyMap<number, number>): string {
  if (round.uncovered.length > 0) {
    return `the heartbeat round at ${iso(round.writtenMs)} did not reach ${round.uncovered.length} of ${round.shards.length} stream shard(s)`;
  }
  const behind = round.slots.filter((s) => (watermarks.get(s) ?? -1) < round.writtenMs);
  const through = Math.min(...behind.map((s) => watermarks.get(s) ?? 0));
  return (
    `capture has not yet processed the heartbeat round at ${iso(round.writtenMs)} on ${behind.length} of ${round.slots.length} slot(s)` +
    (through > 0 ? ` (processed through ${iso(through)} there)` : '')
  );
}

/** Judges one day. Pure. */
export function judgeCompleteness(input: CompletenessInput): Completeness {
  const { window, dayState, rounds, watermarks } = input;
  const missing: string[] = [];
  let waitable = true;
  if (dayState?.incomplete) {
    missing.push(`records of this day were dropped by capture and could not be recovered (${dayState.reason ?? 'no reason recorded'})`);
    waitable = false;
  } else if (dayState?.rebuiltMs !== undefined && dayState.rebuiltMs >= window.end_ms) {
    return { complete: true, evidence: { kind: 'rebuilt', rebuiltMs: dayState.rebuiltMs } };
  }
  if (input.captureSinceMs === undefined) {
    missing.push('stream capture has not recorded any data for this zone yet');
    waitable = false;
  } else if (input.captureSinceMs > window.start_ms) {
    missing.push(`stream capture began at ${iso(input.captureSinceMs)}, after this day started`);
    waitable = false;
  }
  if (input.pendingDrops > 0) missing.push(`${input.pendingDrops} dropped range(s) of stream records wait in the on-failure queue`);

  const after = rounds.filter((r) => r.writtenMs >= window.end_ms);
  // The latest proof covers the most: also late writes of the day, made after it ended.
  const proof = after.findLast((r) => proves(r, watermarks));
  if (!proof) {
    const last = after.at(-1);
    if (last) missing.push(roundGap(last, watermarks));
    else {
      missing.push('no heartbeat round has been written since the day ended, so nothing shows that capture got that far');
      // The heartbeat schedule should have come by now; past that, waiting will not help.
      if (input.nowMs > window.end_ms + ROUND_DUE_MS) waitable = false;
    }
  }
  if (missing.length > 0 || !proof || input.captureSinceMs === undefined) return { complete: false, missing, waitable };
  return {
    complete: true,
    evidence: {
      kind: 'capture',
      capturedThroughMs: proof.writtenMs,
      round: { writtenMs: proof.writtenMs, shards: proof.shards.length, slots: proof.slots.length },
      captureSinceMs: input.captureSinceMs,
      pendingDrops: 0,
    },
  };
}

/** One sentence for the email and the CLI. */
export function describeCompleteness(c: Completeness): string {
  if (!c.complete) return `Not shown complete: ${c.missing.join('; ')}.`;
  if (c.evidence.kind === 'rebuilt') return `Complete: rebuilt from the index by reprocess at ${iso(c.evidence.rebuiltMs)}, after the day ended.`;
  const e = c.evidence;
  return (
    `Complete: capture ran ${e.captureSinceMs === 0 ? 'since the table and its stream were created' : `since ${iso(e.captureSinceMs)}`} ` +
    `and had processed every stream record written before ${iso(e.capturedThroughMs)} ` +
    `(heartbeat round over ${e.round.shards} shard(s)); no records were dropped.`
  );
}

/** The judgement as plain data with ISO times, for `digest --json` and the function's response. */
export function completenessView(c: Completeness): Record<string, unknown> {
  if (!c.complete) return { missing: [...c.missing], waitable: c.waitable };
  if (c.evidence.kind === 'rebuilt') return { evidence: { kind: 'rebuilt', rebuilt_at: iso(c.evidence.rebuiltMs) } };
  const e = c.evidence;
  return {
    evidence: {
      kind: 'capture',
      captured_through: iso(e.capturedThroughMs),
      capture_since: iso(e.captureSinceMs),
      heartbeat_round: { written_at: iso(e.round.writtenMs), shards: e.round.shards, slots: e.round.slots },
      dropped_ranges_pending: e.pendingDrops,
    },
  };
}
