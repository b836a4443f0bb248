import { Temporal } from 'temporal-polyfill';
import { parseDate, previousDayOf } from '../time/report-day.ts';
import { canonicalTimeZone } from '../time/zones.ts';

/** What the schedule sends (Scheduler fills the <aws.scheduler.*> placeholders) or what a person asks for. */
export interface DigestEvent {
  readonly source?: string;
  readonly scheduledTime?: string;
  readonly executionId?: string;
  readonly attempt?: string | number;
  readonly date?: string;
  readonly tz?: string;
  readonly force?: boolean;
  readonly dryRun?: boolean;
}

export interface DigestTarget {
  readonly date: string;
  readonly tz: string;
  readonly force: boolean;
  readonly dryRun: boolean;
}

export class InvalidDigestEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidDigestEventError';
  }
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

// Temporal refuses 2026-02-30 where Date.parse would roll it over to March.
function instantMs(iso: string): number | undefined {
  try {
    return Temporal.Instant.from(iso).epochMilliseconds;
  } catch {
    return undefined;
  }
}

/**
 * The report day is the day before the *scheduled* time in the report zone,
 * so a retry an hour late still reports the right day. A run scheduled
 * `lateByMs` after the digest (the watchdog) looks at the digest's day. Pure.
 */
export function resolveDigestTarget(event: DigestEvent | null | undefined, defaultTz: string, nowMs: number, lateByMs = 0): DigestTarget {
  const e = event ?? {};
  const tz = e.tz ? canonicalTimeZone(e.tz) : defaultTz;
  const force = e.force === true;
  const dryRun = e.dryRun === true;
  if (e.date !== undefined) return { date: parseDate(e.date).toString(), tz, force, dryRun };
  if (e.scheduledTime !== undefined) {
    const at = ISO_INSTANT.test(e.scheduledTime) ? instantMs(e.scheduledTime) : undefined;
    if (at === undefined) {
      throw new InvalidDigestEventError(`scheduledTime "${e.scheduledTime}" is not an ISO 8601 instant such as 2026-11-26T07:00:00Z`);
    }
    return { date: previousDayOf(at - lateByMs, tz), tz, force, dryRun };
  }
  return { date: previousDayOf(nowMs - lateByMs, tz), tz, force, dryRun };
}
