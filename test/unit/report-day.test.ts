import { describe, expect, it } from 'vitest';
import {
  InvalidDateError,
  UnknownTimeZoneError,
  canonicalTimeZone,
  datesBetween,
  dayWindow,
  formatLocalTime,
  parseDate,
  previousDayOf,
  reportDayOf,
} from '../../shared/time/report-day.ts';

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

describe('canonicalTimeZone', () => {
  it.each([
    ['europe/paris', 'Europe/Paris'],
    ['ASIA/KOLKATA', 'Asia/Kolkata'],
    ['utc', 'UTC'],
    ['  Asia/Kathmandu ', 'Asia/Kathmandu'],
    ['America/Santiago', 'America/Santiago'],
  ])('%j -> %s', (input, expected) => {
    expect(canonicalTimeZone(input)).toBe(expected);
  });

  it('names the unknown value in the error', () => {
    expect(() => canonicalTimeZone('Mars/Olympus_Mons')).toThrow(UnknownTimeZoneError);
    expect(() => canonicalTimeZone('Mars/Olympus_Mons')).toThrow(/"Mars\/Olympus_Mons"/);
  });

  it.each(['+05:30', '-03:00', '\u221205:00', '+00:00', '', '   '])('refuses %j', (value) => {
    expect(() => canonicalTimeZone(value)).toThrow(UnknownTimeZoneError);
  });
});

describe('parseDate', () => {
  it('accepts a real calendar date, including 29 February of a leap year', () => {
    expect(parseDate('2026-11-25').toString()).toBe('2026-11-25');
    expect(parseDate('2028-02-29').toString()).toBe('2028-02-29');
  });

  it.each(['2026-02-30', '2027-02-29', '2026-04-31', '2026-13-01', '2026-2-3', '2026-02-03T00:00', '26-02-03', ''])(
    'rejects %j naming the value',
    (value) => {
      expect(() => parseDate(value)).toThrow(InvalidDateError);
      expect(() => parseDate(value)).toThrow(`"${value}"`);
    },
  );
});

describe('datesBetween', () => {
  it('includes both ends and crosses a month end', () => {
    expect(datesBetween('2026-01-30', '2026-02-02')).toEqual(['2026-01-30', '2026-01-31', '2026-02-01', '2026-02-02']);
  });

  it('crosses a year end and a leap day', () => {
    expect(datesBetween('2027-12-31', '2028-01-01')).toEqual(['2027-12-31', '2028-01-01']);
    expect(datesBetween('2028-02-28', '2028-03-01')).toEqual(['2028-02-28', '2028-02-29', '2028-03-01']);
  });

  it('gives one date when from equals to', () => {
    expect(datesBetween('2026-11-25', '2026-11-25')).toEqual(['2026-11-25']);
  });

  it('throws when from is after to', () => {
    expect(() => datesBetween('2026-11-26', '2026-11-25')).toThrow(RangeError);
    expect(() => datesBetween('2026-11-26', '2026-11-25')).toThrow(/2026-11-26 \.\. 2026-11-25/);
  });

  it('rejects an invalid end', () => {
    expect(() => datesBetween('2026-02-27', '2026-02-30')).toThrow(InvalidDateError);
  });
});

describe('previousDayOf', () => {
  it('is the local day before, not the UTC day before', () => {
    // 07:00Z is 08:00 in Paris on the 26th.
    expect(previousDayOf(at('2026-11-26T07:00:00Z'), 'Europe/Paris')).toBe('2026-11-25');
    // 23:30Z on the 25th is already 08:30 on the 26th in Tokyo.
    expect(previousDayOf(at('2026-11-25T23:30:00Z'), 'Asia/Tokyo')).toBe('2026-11-25');
    // 03:00Z on the 26th is still 22:00 on the 25th in New York.
    expect(previousDayOf(at('2026-11-26T03:00:00Z'), 'America/New_York')).toBe('2026-11-24');
  });

  it('turns at local midnight, across a month and a year end', () => {
    // Midnight of 2026-01-01 in Kathmandu (+05:45) is 2025-12-31T18:15Z.
    expect(previousDayOf(at('2025-12-31T18:15:00Z'), 'Asia/Kathmandu')).toBe('2025-12-31');
    expect(previousDayOf(at('2025-12-31T18:15:00Z') - 1, 'Asia/Kathmandu')).toBe('2025-12-30');
    expect(previousDayOf(at('2026-03-01T00:00:00Z'), 'UTC')).toBe('2026-02-28');
  });
});

describe('formatLocalTime', () => {
  it('tells the two 01:30s of a fall-back night apart by their offset (America/New_York 2026-11-01)', () => {
    const first = formatLocalTime(at('2026-11-01T05:30:00Z'), 'America/New_York');
    const second = formatLocalTime(at('2026-11-01T06:30:00Z'), 'America/New_York');
    expect(first).toBe('01:30:00-04:00');
    expect(second).toBe('01:30:00-05:00');
    expect(first).not.toBe(second);
  });

  it('does the same for the repeated 02:30 of Europe/Paris 2026-10-25', () => {
    expect(formatLocalTime(at('2026-10-25T00:30:00Z'), 'Europe/Paris')).toBe('02:30:00+02:00');
    expect(formatLocalTime(at('2026-10-25T01:30:00Z'), 'Europe/Paris')).toBe('02:30:00+01:00');
  });

  it('shows 30- and 45-minute offsets and drops milliseconds', () => {
    expect(formatLocalTime(at('2026-11-25T04:00:00Z'), 'Asia/Kolkata')).toBe('09:30:00+05:30');
    expect(formatLocalTime(at('2026-11-25T04:00:00Z'), 'Asia/Kathmandu')).toBe('09:45:00+05:45');
    expect(formatLocalTime(at('2026-11-25T04:00:00Z'), 'Australia/Eucla')).toBe('12:45:00+08:45');
    expect(formatLocalTime(at('2026-11-25T10:11:12.999Z'), 'UTC')).toBe('10:11:12+00:00');
  });
});
