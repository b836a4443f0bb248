import { describe, expect, it } from 'vitest';
import { chooseSource } from '../../shared/digest/source.ts';
import type { DayWindow } from '../../shared/time/report-day.ts';

// Europe/Paris 2026-11-25 (+01:00): [2026-11-24T23:00Z, 2026-11-25T23:00Z).
const WINDOW: DayWindow = {
  date: '2026-11-25',
  tz: 'Europe/Paris',
  start_ms: Date.parse('2026-11-24T23:00:00Z'),
  end_ms: Date.parse('2026-11-25T23:00:00Z'),
};
const LONG_BEFORE = Date.parse('2026-10-01T00:00:00Z');

describe('chooseSource', () => {
  it('uses the index when the day is marked incomplete, whatever the coverage or a rebuild', () => {
    const choice = chooseSource(WINDOW, LONG_BEFORE, { incomplete: true, reason: 'iterator expired' });
    expect(choice.source).toBe('gsi');
    expect(choice.note).toContain('iterator expired');
    expect(chooseSource(WINDOW, LONG_BEFORE, { incomplete: true, rebuiltMs: LONG_BEFORE }).source).toBe('gsi');
    expect(chooseSource(WINDOW, undefined, { incomplete: true }).note).toContain('incomplete');
  });

  it('uses the summary when the day was rebuilt, even without coverage', () => {
    const rebuilt = Date.parse('2026-11-26T06:00:00Z');
    const choice = chooseSource(WINDOW, undefined, { incomplete: false, rebuiltMs: rebuilt });
    expect(choice.source).toBe('summary');
    expect(choice.note).toContain('2026-11-26T06:00:00.000Z');
    expect(chooseSource(WINDOW, Date.parse('2026-11-25T12:00:00Z'), { incomplete: false, rebuiltMs: rebuilt }).source).toBe('summary');
  });

  it('uses the index when capture has no coverage for the zone', () => {
    expect(chooseSource(WINDOW, undefined, undefined).source).toBe('gsi');
    expect(chooseSource(WINDOW, undefined, { incomplete: false }).source).toBe('gsi');
  });

  it('uses the index when coverage began after the day started', () => {
    const since = WINDOW.start_ms + 1;
    const choice = chooseSource(WINDOW, since, undefined);
    expect(choice.source).toBe('gsi');
    expect(choice.note).toContain(new Date(since).toISOString());
  });

  it('uses the summary when coverage began before or exactly at the day start', () => {
    expect(chooseSource(WINDOW, LONG_BEFORE, undefined)).toEqual({ source: 'summary', note: '' });
    expect(chooseSource(WINDOW, WINDOW.start_ms, undefined).source).toBe('summary');
    expect(chooseSource(WINDOW, WINDOW.start_ms - 1, { incomplete: false }).source).toBe('summary');
  });
});
