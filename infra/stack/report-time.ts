import { Temporal } from 'temporal-polyfill';
import type { LocalTime } from '../../shared/settings/checks.ts';


/**
 * The dates within `days` days from `fromEpochMs` on which `at` does not exist
 * in `tz` (it falls in the hour skipped by a spring-forward). Scheduler does not
 * fire a cron on such a day, so the digest of the day before would be skipped.
 */
export function skippedDates(at: LocalTime, tz: string, fromEpochMs: number, days = 366): string[] {
  const first = Temporal.Instant.fromEpochMilliseconds(fromEpochMs).toZonedDateTimeISO(tz).toPlainDate();
  const out: string[] = [];
  for (let i = 0; i < days; i++) {
    const date = first.add({ days: i });
    const wall = date.toPlainDateTime({ hour: at.hour, minute: at.minute });
    const zoned = wall.toZonedDateTime(tz, { disambiguation: 'compatible' });
    if (zoned.hour !== at.hour || zoned.minute !== at.minute) out.push(date.toString());
  }
  return out;
}
