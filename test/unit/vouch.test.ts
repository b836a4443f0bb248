import { describe, expect, it } from 'vitest';
import { tooEarlyToVouch, VOUCH_MARGIN_MS, vouchableFromMs } from '../../shared/reprocess/vouch.ts';
import { dayWindow } from '../../shared/time/report-day.ts';

describe('when a rebuild may vouch for a day', () => {
  // 25 hours in Paris: the margin counts from the day's real end, not from 24 h after its start.
  const w = dayWindow('2026-10-25', 'Europe/Paris');

  it('from eight hours after the day ends', () => {
    expect(VOUCH_MARGIN_MS).toBe(8 * 3_600_000);
    expect(vouchableFromMs(w)).toBe(Date.parse('2026-10-26T07:00:00Z'));
    expect(tooEarlyToVouch(w, vouchableFromMs(w))).toBeUndefined();
    expect(tooEarlyToVouch(w, vouchableFromMs(w) + 86_400_000)).toBeUndefined();
  });

  it('says why not before then, and from when', () => {
    expect(tooEarlyToVouch(w, w.start_ms)).toBe(
      'the day is not over: it ends at 2026-10-25T23:00:00.000Z, and a rebuild vouches for it from 2026-10-26T07:00:00.000Z, 8 h later, once late writes are in; run reprocess again then',
    );
    expect(tooEarlyToVouch(w, w.end_ms - 1)).toMatch(/^the day is not over/);
    expect(tooEarlyToVouch(w, w.end_ms)).toMatch(/^the day has only just ended/);
    expect(tooEarlyToVouch(w, vouchableFromMs(w) - 1)).toMatch(/^the day has only just ended/);
  });
});
