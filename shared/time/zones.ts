import { getAllTimezones, type Timezone } from 'countries-and-timezones';
import { closest, distance } from 'fastest-levenshtein';
import { Temporal } from 'temporal-polyfill';

/**
 * Report zones: IANA names made canonical, fixed offsets refused.
 *
 * Keys of the summary table carry the zone, so two spellings of one zone
 * (`Asia/Calcutta`, `asia/kolkata`) must give one name, or a change of
 * spelling would move a zone's data to new keys. The IANA database's links
 * (from countries-and-timezones, which follows tzdata) give the canonical
 * name; ICU's own choice is CLDR's, which keeps the old spellings.
 */

/** Thrown where a zone is taken as an argument rather than as a setting (`--tz`, a digest event). */
export class UnknownTimeZoneError extends Error {
  constructor(value: string, problem: string) {
    super(`Time zone "${value}" ${problem}`);
    this.name = 'UnknownTimeZoneError';
  }
}

export type ZoneReading = { readonly ok: true; readonly zone: string } | { readonly ok: false; readonly problem: string };

// UTC is a fine report zone: it has no daylight saving time to get wrong.
// It keeps the spelling `UTC`, which the summary keys have always used.
const UTC = 'UTC';
const UTC_NAMES = new Set(
  ['UTC', 'Etc/UTC', 'UCT', 'Etc/UCT', 'GMT', 'Etc/GMT', 'GMT0', 'Etc/GMT0', 'GMT+0', 'GMT-0', 'Etc/GMT+0', 'Etc/GMT-0', 'Greenwich', 'Etc/Greenwich', 'Universal', 'Etc/Universal', 'Zulu', 'Etc/Zulu'].map((n) => n.toLowerCase()),
);

// Zone names that are an offset and nothing else, whatever tzdata links them to now; each with the place people mean.
const LEGACY_FIXED: Readonly<Record<string, string>> = { est: 'America/New_York', mst: 'America/Denver', hst: 'Pacific/Honolulu' };

// Offered first when a fixed offset is refused: the zones most people mean by it.
const WELL_KNOWN = [
  'America/Los_Angeles', 'America/Denver', 'America/Chicago', 'America/New_York', 'America/Halifax', 'America/St_Johns',
  'America/Bogota', 'America/Mexico_City', 'America/Sao_Paulo', 'America/Argentina/Buenos_Aires', 'America/Anchorage',
  'Atlantic/Azores', 'Europe/London', 'Europe/Paris', 'Europe/Berlin', 'Europe/Athens', 'Europe/Istanbul', 'Europe/Moscow',
  'Africa/Lagos', 'Africa/Cairo', 'Africa/Johannesburg', 'Africa/Nairobi', 'Asia/Tehran', 'Asia/Dubai', 'Asia/Karachi',
  'Asia/Kolkata', 'Asia/Kathmandu', 'Asia/Dhaka', 'Asia/Bangkok', 'Asia/Jakarta', 'Asia/Singapore', 'Asia/Shanghai',
  'Asia/Tokyo', 'Asia/Seoul', 'Australia/Perth', 'Australia/Adelaide', 'Australia/Sydney', 'Pacific/Auckland', 'Pacific/Honolulu',
];

const ALL: Readonly<Record<string, Timezone>> = getAllTimezones({ deprecated: true });
const BY_LOWER = new Map(Object.values(ALL).map((z) => [z.name.toLowerCase(), z]));
const CANONICAL = Object.values(ALL).filter((z) => z.aliasOf === null && z.countries.length > 0);
const CANONICAL_NAMES = new Map([UTC, ...CANONICAL.map((z) => z.name)].map((n) => [n.toLowerCase(), n]));

const OFFSET_RE = /^(?:(?:UTC|GMT|Z)\s*)?([+\-\u2212])\s*(\d{1,2})(?::?(\d{2}))?$/i;
const ETC_OFFSET_RE = /^Etc\/GMT([+-])(\d{1,2})$/i;

const hhmm = (minutes: number) => {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
};

/** A few real zones that stand at `minutes` east of UTC, in standard time first, then in summer time. */
export function zonesAtOffset(minutes: number, max = 3): string[] {
  const zone = (name: string) => ALL[name];
  const standard = WELL_KNOWN.filter((n) => zone(n)?.utcOffset === minutes);
  const summer = WELL_KNOWN.filter((n) => zone(n)?.utcOffset !== minutes && zone(n)?.dstOffset === minutes);
  const others = CANONICAL.filter((z) => z.utcOffset === minutes && !z.name.startsWith('Antarctica/') && !WELL_KNOWN.includes(z.name)).map((z) => z.name);
  return [...standard, ...summer, ...others].slice(0, max);
}

const orList = (names: readonly string[]) => (names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`);

function fixedOffsetProblem(minutes: number | undefined, place?: string): string {
  const offered = place ? [place] : minutes === undefined ? [] : zonesAtOffset(minutes);
  const examples = orList(offered.length > 0 ? offered : ['Europe/Paris', 'America/New_York']);
  return (
    `is a fixed UTC offset${minutes === undefined ? '' : ` (${hhmm(minutes)})`}, not a time zone: the report days would be an hour off ` +
    `whenever daylight saving time starts or ends. Use the IANA zone of the place, e.g. ${examples} (or UTC for UTC days)`
  );
}

/** The offset of a fixed-offset spelling, in minutes east of UTC; undefined when `name` is no such spelling. */
function fixedOffsetOf(name: string): { minutes?: number; place?: string } | undefined {
  const offset = OFFSET_RE.exec(name);
  if (offset) {
    const minutes = Number(offset[2]) * 60 + Number(offset[3] ?? 0);
    return { minutes: offset[1] === '+' ? minutes : -minutes };
  }
  // POSIX sign: Etc/GMT+5 is five hours *behind* UTC.
  const etc = ETC_OFFSET_RE.exec(name);
  if (etc) return { minutes: (etc[1] === '+' ? -1 : 1) * Number(etc[2]) * 60 };
  const legacy = LEGACY_FIXED[name.toLowerCase()];
  if (legacy) return { minutes: ALL[name.toUpperCase()]?.utcOffset ?? 0, place: legacy };
  return undefined;
}

/** Whether this runtime's time zone data knows `name` (ICU can lag tzdata by a release). */
function runtimeKnows(name: string): boolean {
  try {
    Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(name);
    return true;
  } catch {
    return false;
  }
}

/** Reads a report zone. Pure: the same input gives the same answer. */
export function readZone(raw: string): ZoneReading {
  const name = raw.trim();
  if (name === '') return { ok: false, problem: 'is empty: use an IANA zone name such as Europe/Paris, or UTC' };
  if (UTC_NAMES.has(name.toLowerCase())) return { ok: true, zone: UTC };
  const fixed = fixedOffsetOf(name);
  if (fixed) return { ok: false, problem: fixedOffsetProblem(fixed.minutes, fixed.place) };
  const known = BY_LOWER.get(name.toLowerCase());
  if (known) {
    const canonical = known.aliasOf ?? known.name;
    if (UTC_NAMES.has(canonical.toLowerCase())) return { ok: true, zone: UTC };
    if (runtimeKnows(canonical)) return { ok: true, zone: canonical };
    if (runtimeKnows(known.name)) return { ok: true, zone: known.name };
    return { ok: false, problem: `is not in this runtime's time zone data; update Node.js` };
  }
  // A zone newer than the package's data, which the runtime already has.
  if (runtimeKnows(name)) {
    return { ok: true, zone: Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(name).timeZoneId };
  }
  const lower = name.toLowerCase();
  const guess = closest(lower, [...CANONICAL_NAMES.keys()]);
  // A guess far from what was typed helps nobody: then name the form instead.
  const near = distance(lower, guess) <= Math.max(2, Math.floor(name.length / 4));
  return {
    ok: false,
    problem: near
      ? `is not a known time zone; did you mean ${CANONICAL_NAMES.get(guess)}?`
      : 'is not a known time zone: use an IANA zone name such as Europe/Paris, America/New_York or Asia/Kolkata, or UTC',
  };
}

/** The canonical name of a report zone; throws UnknownTimeZoneError with the reason otherwise. */
export function canonicalTimeZone(raw: string): string {
  const reading = readZone(raw);
  if (!reading.ok) throw new UnknownTimeZoneError(raw, reading.problem);
  return reading.zone;
}
