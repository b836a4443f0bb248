import { describe, expect, it } from 'vitest';
import { UnknownTimeZoneError, canonicalTimeZone, readZone, zonesAtOffset } from '../../shared/time/zones.ts';

describe('readZone', () => {
  it.each([
    ['Europe/Paris', 'Europe/Paris'],
    ['europe/paris', 'Europe/Paris'],
    ['ASIA/KOLKATA', 'Asia/Kolkata'],
    ['  Asia/Kathmandu ', 'Asia/Kathmandu'],
    // Links of the IANA database give one name per zone, so a change of spelling keeps the same keys.
    ['Asia/Calcutta', 'Asia/Kolkata'],
    ['Asia/Katmandu', 'Asia/Kathmandu'],
    ['Europe/Kiev', 'Europe/Kyiv'],
    ['America/Buenos_Aires', 'America/Argentina/Buenos_Aires'],
    ['US/Eastern', 'America/New_York'],
    ['EST5EDT', 'America/New_York'],
    // UTC has no daylight saving time to get wrong; every spelling of it is the one `UTC`.
    ['UTC', 'UTC'],
    ['utc', 'UTC'],
    ['Etc/UTC', 'UTC'],
    ['GMT', 'UTC'],
    ['Etc/GMT', 'UTC'],
    ['Zulu', 'UTC'],
  ])('%j is the zone %s', (input, zone) => {
    expect(readZone(input)).toEqual({ ok: true, zone });
    expect(canonicalTimeZone(input)).toBe(zone);
  });

  it.each([
    ['+03:00', '(+03:00)'],
    ['-05:00', '(-05:00)'],
    ['\u221205:00', '(-05:00)'],
    ['+0530', '(+05:30)'],
    ['+00:00', '(+00:00)'],
    ['UTC+3', '(+03:00)'],
    ['GMT-4', '(-04:00)'],
    // POSIX signs: Etc/GMT+5 is five hours behind UTC.
    ['Etc/GMT+5', '(-05:00)'],
    ['Etc/GMT-14', '(+14:00)'],
    ['EST', '(-05:00)'],
    ['MST', '(-07:00)'],
    ['HST', '(-10:00)'],
  ])('refuses the fixed offset %j, says why and offers real zones', (input, offset) => {
    const reading = readZone(input);
    if (reading.ok) throw new Error(`${input} was accepted as ${reading.zone}`);
    expect(reading.problem).toContain(`is a fixed UTC offset ${offset}`);
    expect(reading.problem).toContain('daylight saving time');
    expect(reading.problem).toMatch(/e\.g\. [A-Z][a-z]+\/[A-Za-z_]+/);
  });

  it('offers the place people mean by a legacy fixed name', () => {
    const est = readZone('EST');
    expect(est.ok).toBe(false);
    if (!est.ok) expect(est.problem).toContain('e.g. America/New_York (or UTC');
  });

  it('offers zones at the offset, standard time first', () => {
    expect(zonesAtOffset(-300)).toEqual(['America/New_York', 'America/Bogota', 'America/Chicago']);
    expect(zonesAtOffset(330, 1)).toEqual(['Asia/Kolkata']);
    for (const zone of zonesAtOffset(180, 10)) expect(readZone(zone)).toEqual({ ok: true, zone });
  });

  it('suggests the closest zone for a typo, and no far-fetched one', () => {
    expect(readZone('Europe/Pariss')).toEqual({ ok: false, problem: 'is not a known time zone; did you mean Europe/Paris?' });
    expect(readZone('america/new_yrok')).toEqual({ ok: false, problem: 'is not a known time zone; did you mean America/New_York?' });
    const far = readZone('Mars/Olympus_Mons');
    expect(far.ok).toBe(false);
    if (!far.ok) expect(far.problem).not.toContain('did you mean');
  });

  it.each(['', '   '])('refuses the empty zone %j', (value) => {
    expect(readZone(value).ok).toBe(false);
  });
});

describe('canonicalTimeZone', () => {
  it('throws UnknownTimeZoneError naming the value and the reason', () => {
    expect(() => canonicalTimeZone('Mars/Olympus_Mons')).toThrow(UnknownTimeZoneError);
    expect(() => canonicalTimeZone('Mars/Olympus_Mons')).toThrow(/^Time zone "Mars\/Olympus_Mons" is not a known time zone/);
    expect(() => canonicalTimeZone('Etc/GMT+5')).toThrow(/^Time zone "Etc\/GMT\+5" is a fixed UTC offset/);
  });
});
