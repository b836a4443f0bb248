import { describe, expect, it } from 'vitest';
import {
  InvalidDateError,
  datesBetween,
  dayWindow,
  formatLocalTime,
  parseDate,
  previousDayOf,
  reportDayOf,
} from '../../shared/time/report-day.ts';
import { UnknownTimeZoneError } from '../../shared/time/zones.ts';

const HOUR = 3_600_000;
/** An instant written as a UTC ISO string: the expectations below are derived by hand from the zone rules. */
const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad test instant ${iso}`);
  return ms;
};

/** Local wall time of `ms` in `tz`, computed with ICU (Intl), independently of the code under test. */
function wallClock(ms: number, tz: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'longOffset',
  }).formatToParts(new Date(ms));
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '?';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')} ${get('timeZoneName')}`;
}

describe('dayWindow', () => {
  it.each([
    // date, zone, first instant of the day (UTC), first instant of the next day (UTC), hours
    ['2026-11-25', 'UTC', '2026-11-25T00:00:00Z', '2026-11-26T00:00:00Z', 24],
    // Europe/Paris springs forward 02:00 CET -> 03:00 CEST on the last Sunday of March.
    ['2026-03-29', 'Europe/Paris', '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z', 23],
    // ...and falls back 03:00 CEST -> 02:00 CET on the last Sunday of October.
    ['2026-10-25', 'Europe/Paris', '2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z', 25],
    // Lord Howe moves by half an hour: +10:30 -> +11:00 on the first Sunday of October...
    ['2026-10-04', 'Australia/Lord_Howe', '2026-10-03T13:30:00Z', '2026-10-04T13:00:00Z', 23.5],
    // ...and +11:00 -> +10:30 on the first Sunday of April.
    ['2026-04-05', 'Australia/Lord_Howe', '2026-04-04T13:00:00Z', '2026-04-05T13:30:00Z', 24.5],
    ['2026-11-25', 'Asia/Kolkata', '2026-11-24T18:30:00Z', '2026-11-25T18:30:00Z', 24],
    ['2026-11-25', 'Asia/Kathmandu', '2026-11-24T18:15:00Z', '2026-11-25T18:15:00Z', 24],
    ['2026-11-25', 'Australia/Eucla', '2026-11-24T15:15:00Z', '2026-11-25T15:15:00Z', 24],
    // Santiago: at 00:00 -04 the clocks jump to 01:00 -03, so the day starts at 01:00 local.
    ['2026-09-06', 'America/Santiago', '2026-09-06T04:00:00Z', '2026-09-07T03:00:00Z', 23],
    // Havana: at 01:00 CDT (-04) the clocks go back to 00:00 CST (-05); the day starts at the first midnight.
    ['2026-11-01', 'America/Havana', '2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z', 25],
  ] as const)('%s in %s is [%s, %s), %d h', (date, tz, start, end, hours) => {
    const w = dayWindow(date, tz);
    expect(w).toEqual({ date, tz, start_ms: at(start), end_ms: at(end) });
    expect((w.end_ms - w.start_ms) / HOUR).toBe(hours);
  });

  it('starts a day whose midnight is skipped at 01:00 local (America/Santiago 2026-09-06)', () => {
    const w = dayWindow('2026-09-06', 'America/Santiago');
    expect(wallClock(w.start_ms, 'America/Santiago')).toBe('2026-09-06 01:00:00 GMT-03:00');
    expect(wallClock(w.start_ms - 1, 'America/Santiago')).toBe('2026-09-05 23:59:59 GMT-04:00');
    expect(wallClock(w.end_ms, 'America/Santiago')).toBe('2026-09-07 00:00:00 GMT-03:00');
  });

  it('starts a day whose midnight repeats at the first midnight (America/Havana 2026-11-01)', () => {
    const w = dayWindow('2026-11-01', 'America/Havana');
    expect(wallClock(w.start_ms, 'America/Havana')).toBe('2026-11-01 00:00:00 GMT-04:00');
    expect(wallClock(w.start_ms - 1, 'America/Havana')).toBe('2026-10-31 23:59:59 GMT-04:00');
    // The second midnight is inside the window, an hour after it begins.
    expect(wallClock(w.start_ms + HOUR, 'America/Havana')).toBe('2026-11-01 00:00:00 GMT-05:00');
    expect(w.start_ms + HOUR).toBeLessThan(w.end_ms);
  });

  it.each([
    ['Europe/Paris', ['2026-03-28', '2026-03-29', '2026-03-30']],
    ['Europe/Paris', ['2026-10-24', '2026-10-25', '2026-10-26']],
    ['America/Santiago', ['2026-09-05', '2026-09-06', '2026-09-07']],
    ['America/Havana', ['2026-10-31', '2026-11-01', '2026-11-02']],
    ['Australia/Lord_Howe', ['2026-10-03', '2026-10-04', '2026-10-05']],
    ['Australia/Lord_Howe', ['2026-04-04', '2026-04-05', '2026-04-06']],
    ['UTC', ['2026-12-31', '2027-01-01', '2027-01-02']],
  ] as const)('consecutive days in %s are half-open and touch: %j', (tz, dates) => {
    const windows = dates.map((d) => dayWindow(d, tz));
    for (let i = 0; i + 1 < windows.length; i++) {
      expect(windows[i]!.end_ms).toBe(windows[i + 1]!.start_ms);
      expect(windows[i]!.start_ms).toBeLessThan(windows[i]!.end_ms);
    }
  });

  it('returns the zone in its canonical case', () => {
    expect(dayWindow('2026-11-25', 'europe/paris').tz).toBe('Europe/Paris');
    expect(dayWindow('2026-11-25', 'utc').tz).toBe('UTC');
  });

  it('rejects a bad date and a bad zone', () => {
    expect(() => dayWindow('2026-02-30', 'UTC')).toThrow(InvalidDateError);
    expect(() => dayWindow('2026-11-25', 'Mars/Olympus_Mons')).toThrow(UnknownTimeZoneError);
    expect(() => dayWindow('2026-11-25', '+01:00')).toThrow(UnknownTimeZoneError);
  });
});

describe('reportDayOf', () => {
  it.each([
    ['Europe/Paris', '2026-03-29', '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z', '2026-03-28', '2026-03-30'],
    ['Europe/Paris', '2026-10-25', '2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z', '2026-10-24', '2026-10-26'],
    ['America/Santiago', '2026-09-06', '2026-09-06T04:00:00Z', '2026-09-07T03:00:00Z', '2026-09-05', '2026-09-07'],
    ['Asia/Kathmandu', '2026-11-25', '2026-11-24T18:15:00Z', '2026-11-25T18:15:00Z', '2026-11-24', '2026-11-26'],
    ['Australia/Lord_Howe', '2026-10-04', '2026-10-03T13:30:00Z', '2026-10-04T13:00:00Z', '2026-10-03', '2026-10-05'],
  ] as const)('in %s, %s covers exactly [start, end)', (tz, day, start, end, before, after) => {
    expect(reportDayOf(at(start) - 1, tz)).toBe(before);
    expect(reportDayOf(at(start), tz)).toBe(day);
    expect(reportDayOf(at(end) - 1, tz)).toBe(day);
    expect(reportDayOf(at(end), tz)).toBe(after);
  });

  it('agrees with the window edges of dayWindow', () => {
    const w = dayWindow('2026-11-01', 'America/Havana');
    expect(reportDayOf(w.start_ms, w.tz)).toBe('2026-11-01');
    expect(reportDayOf(w.end_ms - 1, w.tz)).toBe('2026-11-01');
    expect(reportDayOf(w.end_ms, w.tz)).toBe('2026-11-02');
  });
});
