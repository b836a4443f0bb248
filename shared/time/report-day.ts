import { Temporal } from 'temporal-polyfill';
import { canonicalTimeZone } from './zones.ts';

export class InvalidDateError extends Error {
  constructor(value: string) {
    super(`Invalid date "${value}": expected a calendar date as YYYY-MM-DD, e.g. 2026-11-25`);
    this.name = 'InvalidDateError';
  }
}

/** A report day: local date D in zone Z covers [start_ms, end_ms), the first instants of D and D+1 in Z. */
export interface DayWindow {
  readonly date: string;
  readonly tz: string;
  readonly start_ms: number;
  readonly end_ms: number;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export function parseDate(value: string): Temporal.PlainDate {
  if (!DATE_RE.test(value)) throw new InvalidDateError(value);
  try {
    return Temporal.PlainDate.from(value, { overflow: 'reject' });
  } catch {
    throw new InvalidDateError(value);
  }
}

// startOfDay, not midnight: where midnight is skipped (e.g. America/Santiago in
// September) the day begins at 01:00, and where it repeats, at the first one.
function startOfDayMs(date: Temporal.PlainDate, tz: string): number {
  return date.toZonedDateTime({ timeZone: tz }).startOfDay().epochMilliseconds;
}

export function dayWindow(date: string, tz: string): DayWindow {
  const zone = canonicalTimeZone(tz);
  const d = parseDate(date);
  return {
    date: d.toString(),
    tz: zone,
    start_ms: startOfDayMs(d, zone),
    end_ms: startOfDayMs(d.add({ days: 1 }), zone),
  };
}

/** The local date (YYYY-MM-DD) in `tz` of the instant `epochMs`. */
export function reportDayOf(epochMs: number, tz: string): string {
  return Temporal.Instant.fromEpochMilliseconds(Math.floor(epochMs)).toZonedDateTimeISO(tz).toPlainDate().toString();
}

export function addDays(date: string, days: number): string {
  return parseDate(date).add({ days }).toString();
}

/** The day before the local date of `epochMs` in `tz`: what a report run at that instant covers. */
export function previousDayOf(epochMs: number, tz: string): string {
  return addDays(reportDayOf(epochMs, tz), -1);
}

/** Every date from `from` to `to`, both included. */
export function datesBetween(from: string, to: string): string[] {
  const start = parseDate(from);
  const end = parseDate(to);
  if (Temporal.PlainDate.compare(start, end) > 0) {
    throw new RangeError(`The range ${from} .. ${to} is empty: --from must not be after --to`);
  }
  const out: string[] = [];
  for (let d = start; Temporal.PlainDate.compare(d, end) <= 0; d = d.add({ days: 1 })) out.push(d.toString());
  return out;
}

/** `HH:MM:SS±hh:mm` in `tz`: the offset tells the two 01:30s of a fall-back night apart. */
export function formatLocalTime(epochMs: number, tz: string): string {
  const z = Temporal.Instant.fromEpochMilliseconds(Math.floor(epochMs)).toZonedDateTimeISO(tz);
  const hh = String(z.hour).padStart(2, '0');
  const mm = String(z.minute).padStart(2, '0');
  const ss = String(z.second).padStart(2, '0');
  return `${hh}:${mm}:${ss}${z.offset}`;
}
