import { describe, expect, it } from 'vitest';
import { describeCompleteness, judgeCompleteness, ROUND_DUE_MS, type CompletenessInput } from '../../shared/evidence/completeness.ts';
import type { HeartbeatRound } from '../../shared/summary/model/capture-evidence.ts';
import type { DayWindow } from '../../shared/time/report-day.ts';

// Europe/Paris 2026-11-25 (+01:00): [2026-11-24T23:00Z, 2026-11-25T23:00Z).
const WINDOW: DayWindow = {
  date: '2026-11-25',
  tz: 'Europe/Paris',
  start_ms: Date.parse('2026-11-24T23:00:00Z'),
  end_ms: Date.parse('2026-11-25T23:00:00Z'),
};
const MIN = 60_000;
const LONG_BEFORE = Date.parse('2026-10-01T00:00:00Z');
const round = (atMs: number, slots = [0, 1], uncovered: string[] = []): HeartbeatRound => ({
  writtenMs: atMs,
  slots,
  shards: ['shard-a', 'shard-b'],
  uncovered,
});
const AFTER = round(WINDOW.end_ms + 3 * MIN);

function judge(over: Partial<CompletenessInput> = {}) {
  return judgeCompleteness({
    window: WINDOW,
    nowMs: WINDOW.end_ms + 60 * MIN,
    captureSinceMs: LONG_BEFORE,
    dayState: undefined,
    rounds: [AFTER],
    watermarks: new Map([[0, AFTER.writtenMs], [1, AFTER.writtenMs + 1]]),
    pendingDrops: 0,
    ...over,
  });
}

describe('judgeCompleteness', () => {
  it('is complete with the round that every slot processed, and says what it proves', () => {
    const c = judge();
    expect(c).toEqual({
      complete: true,
      evidence: { kind: 'capture', capturedThroughMs: AFTER.writtenMs, round: { writtenMs: AFTER.writtenMs, shards: 2, slots: 2 }, captureSinceMs: LONG_BEFORE, pendingDrops: 0 },
    });
    expect(describeCompleteness(c)).toBe(
      'Complete: capture ran since 2026-10-01T00:00:00.000Z and had processed every stream record written before 2026-11-25T23:03:00.000Z (heartbeat round over 2 shard(s)); no records were dropped.',
    );
  });

  it('is not complete while one slot has not processed the round, and waiting may help', () => {
    const c = judge({ watermarks: new Map([[0, AFTER.writtenMs], [1, AFTER.writtenMs - 5 * MIN]]) });
    expect(c.complete).toBe(false);
    if (c.complete) return;
    expect(c.waitable).toBe(true);
    expect(c.missing).toEqual([
      'capture has not yet processed the heartbeat round at 2026-11-25T23:03:00.000Z on 1 of 2 slot(s) (processed through 2026-11-25T22:58:00.000Z there)',
    ]);
  });

  it('takes no round from before the day ended as proof', () => {
    const before = round(WINDOW.end_ms - 1);
    const c = judge({ rounds: [before], watermarks: new Map([[0, before.writtenMs], [1, before.writtenMs]]), nowMs: WINDOW.end_ms + MIN });
    expect(c.complete).toBe(false);
    if (!c.complete) expect(c.waitable).toBe(true);
  });

  it('stops waiting for a round that is overdue: the heartbeat schedule is not running', () => {
    const c = judge({ rounds: [], nowMs: WINDOW.end_ms + ROUND_DUE_MS + 1 });
    expect(c.complete).toBe(false);
    if (c.complete) return;
    expect(c.waitable).toBe(false);
    expect(c.missing[0]).toMatch(/no heartbeat round has been written since the day ended/);
  });

  it('takes no round that did not reach every shard, even when its slots were processed', () => {
    const partial = round(WINDOW.end_ms + MIN, [0, 1], ['shard-c']);
    const c = judge({ rounds: [partial], watermarks: new Map([[0, partial.writtenMs], [1, partial.writtenMs]]) });
    expect(c.complete).toBe(false);
    if (!c.complete) expect(c.missing[0]).toMatch(/did not reach 1 of 2 stream shard/);
  });

  it('is complete by a later round when the first one after the end was partial', () => {
    const partial = round(WINDOW.end_ms + MIN, [0], ['shard-b']);
    const full = round(WINDOW.end_ms + 6 * MIN, [0, 1]);
    const c = judge({ rounds: [partial, full], watermarks: new Map([[0, full.writtenMs], [1, full.writtenMs]]) });
    expect(c.complete && c.evidence.kind === 'capture' && c.evidence.capturedThroughMs).toBe(full.writtenMs);
  });

  it('gives the latest round every slot processed, which also covers late writes of the day', () => {
    const later = round(WINDOW.end_ms + 30 * MIN);
    const c = judge({ rounds: [AFTER, later], watermarks: new Map([[0, later.writtenMs], [1, later.writtenMs]]) });
    expect(c.complete && c.evidence.kind === 'capture' && c.evidence.capturedThroughMs).toBe(later.writtenMs);
  });

  it('is never complete while a dropped range waits in the on-failure queue', () => {
    const c = judge({ pendingDrops: 2 });
    expect(c.complete).toBe(false);
    if (!c.complete) expect(c.missing).toEqual(['2 dropped range(s) of stream records wait in the on-failure queue']);
  });

  it('is never complete, and not worth waiting for, when records of the day were dropped for good', () => {
    const c = judge({ dayState: { incomplete: true, reason: 'trimmed from the stream' } });
    expect(c.complete).toBe(false);
    if (c.complete) return;
    expect(c.waitable).toBe(false);
    expect(c.missing[0]).toContain('trimmed from the stream');
  });

  it('is not complete when capture began after the day started, or never', () => {
    for (const captureSinceMs of [WINDOW.start_ms + 1, undefined]) {
      const c = judge({ captureSinceMs });
      expect(c.complete).toBe(false);
      if (!c.complete) expect(c.waitable).toBe(false);
    }
  });

  it('is complete on a rebuild made after the day ended, but not on one made before', () => {
    expect(judge({ rounds: [], captureSinceMs: undefined, dayState: { incomplete: false, rebuiltMs: WINDOW.end_ms + 1 } })).toEqual({
      complete: true,
      evidence: { kind: 'rebuilt', rebuiltMs: WINDOW.end_ms + 1 },
    });
    expect(judge({ rounds: [], captureSinceMs: undefined, dayState: { incomplete: false, rebuiltMs: WINDOW.end_ms - 1 } }).complete).toBe(false);
  });
});
