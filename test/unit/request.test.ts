import { describe, expect, it } from 'vitest';
import { InvalidDigestEventError, resolveDigestTarget } from '../../shared/digest/request.ts';
import { InvalidDateError } from '../../shared/time/report-day.ts';
import { UnknownTimeZoneError } from '../../shared/time/zones.ts';

const at = (iso: string) => Date.parse(iso);
const NOW = at('2026-11-26T07:00:05Z');

describe('resolveDigestTarget', () => {
  it('reports the local day before the scheduled time', () => {
    const event = { source: 'aws.scheduler', scheduledTime: '2026-11-26T07:00:00Z', executionId: 'x', attempt: 1 };
    expect(resolveDigestTarget(event, 'Europe/Paris', NOW)).toEqual({ date: '2026-11-25', tz: 'Europe/Paris', force: false, dryRun: false });
  });

  it('reports the same day on a late retry: only scheduledTime counts, not now', () => {
    const event = { scheduledTime: '2026-11-26T07:00:00Z', attempt: 3 };
    // Two days later, and after Paris midnight of the next day.
    expect(resolveDigestTarget(event, 'Europe/Paris', at('2026-11-28T01:30:00Z')).date).toBe('2026-11-25');
  });

  it('uses the local date of scheduledTime in a zone east of UTC, not its UTC date', () => {
    // 23:30Z on the 25th is 08:30 on the 26th in Tokyo.
    expect(resolveDigestTarget({ scheduledTime: '2026-11-25T23:30:00Z' }, 'Asia/Tokyo', NOW).date).toBe('2026-11-25');
    // 15:05Z on the 25th is 00:05 on the 26th in Tokyo, just after local midnight.
    expect(resolveDigestTarget({ scheduledTime: '2026-11-25T15:05:00Z' }, 'Asia/Tokyo', NOW).date).toBe('2026-11-25');
    // ...and 14:55Z is still the 25th there.
    expect(resolveDigestTarget({ scheduledTime: '2026-11-25T14:55:00Z' }, 'Asia/Tokyo', NOW).date).toBe('2026-11-24');
  });

  it('accepts a scheduledTime with an offset or fractional seconds', () => {
    expect(resolveDigestTarget({ scheduledTime: '2026-11-26T08:00:00+01:00' }, 'Europe/Paris', NOW).date).toBe('2026-11-25');
    expect(resolveDigestTarget({ scheduledTime: '2026-11-26T07:00:00.000Z' }, 'Europe/Paris', NOW).date).toBe('2026-11-25');
  });

  it('lets an explicit date win over scheduledTime and now', () => {
    const target = resolveDigestTarget({ date: '2026-10-25', scheduledTime: '2026-11-26T07:00:00Z' }, 'Europe/Paris', NOW);
    expect(target.date).toBe('2026-10-25');
  });

  it('rejects an invalid explicit date', () => {
    expect(() => resolveDigestTarget({ date: '2026-02-30' }, 'UTC', NOW)).toThrow(InvalidDateError);
  });

  it.each(['yesterday', '2026-11-26', '2026-11-26 07:00:00', '1795676400000', '', '2026-13-40T07:00:00Z'])(
    'rejects scheduledTime %j, naming it',
    (scheduledTime) => {
      expect(() => resolveDigestTarget({ scheduledTime }, 'UTC', NOW)).toThrow(InvalidDigestEventError);
      expect(() => resolveDigestTarget({ scheduledTime }, 'UTC', NOW)).toThrow(`"${scheduledTime}"`);
    },
  );

  it('rejects a scheduledTime on a day that does not exist instead of rolling it over', () => {
    // Date.parse turns 2026-02-30 into 2026-03-02; the report would silently cover 2026-03-01.
    expect(() => resolveDigestTarget({ scheduledTime: '2026-02-30T07:00:00Z' }, 'UTC', NOW)).toThrow(InvalidDigestEventError);
  });

  it('without an event, reports the local day before now', () => {
    expect(resolveDigestTarget(undefined, 'Europe/Paris', NOW).date).toBe('2026-11-25');
    expect(resolveDigestTarget(null, 'Europe/Paris', NOW).date).toBe('2026-11-25');
    expect(resolveDigestTarget({}, 'Europe/Paris', NOW).date).toBe('2026-11-25');
    // 07:00Z on the 26th is still 23:00 on the 25th in Los Angeles.
    expect(resolveDigestTarget(undefined, 'America/Los_Angeles', NOW).date).toBe('2026-11-24');
  });

  it('canonicalises a tz override and uses it for the day', () => {
    const target = resolveDigestTarget({ tz: 'asia/tokyo', scheduledTime: '2026-11-25T15:05:00Z' }, 'Europe/Paris', NOW);
    expect(target).toEqual({ date: '2026-11-25', tz: 'Asia/Tokyo', force: false, dryRun: false });
  });

  it('rejects an unknown or fixed-offset tz override', () => {
    expect(() => resolveDigestTarget({ tz: 'Mars/Olympus_Mons' }, 'UTC', NOW)).toThrow(UnknownTimeZoneError);
    expect(() => resolveDigestTarget({ tz: '+09:00' }, 'UTC', NOW)).toThrow(UnknownTimeZoneError);
  });

  it('sets force and dryRun only when they are exactly true', () => {
    expect(resolveDigestTarget({ force: true, dryRun: true }, 'UTC', NOW)).toMatchObject({ force: true, dryRun: true });
    const loose = { force: 'true', dryRun: 1 } as unknown as { force: boolean; dryRun: boolean };
    expect(resolveDigestTarget(loose, 'UTC', NOW)).toMatchObject({ force: false, dryRun: false });
  });
});
