import type { AccessLogRecord, LineParse } from './record.ts';

/**
 * Beyond this a line is not a log record (S3 caps request URIs near 8 KB); the
 * cap also bounds the work the quote matching below can do on garbage.
 */
export const MAX_LINE_CHARS = 65_536;

const MONTHS: Readonly<Record<string, number>> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};

// Bucket owner, bucket, [time], remote IP, requester, request id, operation, key:
// single tokens that never contain a space (the key is URL-encoded).
const HEAD =
  /^(\S+) (\S+) \[(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})\] (\S+) (\S+) (\S+) (\S+) (\S+) /;

// Request-URI, status, error code, bytes sent, object size, total time,
// turn-around time, referrer, user agent, then whatever later fields the line
// has. Quoted fields may hold unescaped quotes (scanner payloads, JSON user
// agents), so each quoted field ends at the first quote after which the rest
// of the line still reads as the fields that follow: the lazy groups try each
// candidate quote in turn, the numeric fields after the Request-URI anchor it,
// and the user agent runs to the last quote of the line because no later field
// is ever quoted.
const REST =
  /^(?:"(.*?)"|(-)) (\d{3}|-) (\S+) (\d+|-) (\d+|-) (\d+|-) (\d+|-) (?:"(.*?)"|(-)) (?:"(.*)"|(-))((?: +[^ "]+)*) *$/;

const TAIL_FIELDS = [
  'version_id',
  'host_id',
  'signature_version',
  'cipher_suite',
  'authentication_type',
  'host_header',
  'tls_version',
  'access_point_arn',
  'acl_required',
  'source_region',
] as const;
type TailField = (typeof TAIL_FIELDS)[number];

const SIGNATURE = /^(SigV\d+|-)$/;

const dash = (v: string | undefined): string | null => (v === undefined || v === '-' ? null : v);
const num = (v: string | undefined): number | null => (v === undefined || v === '-' ? null : Number(v));
/** A quoted field holding only `-` means "none", like a bare dash. */
const quoted = (inner: string | undefined): string | null => (inner === undefined || inner === '-' ? null : inner);

function timeOf(m: RegExpExecArray): string | undefined {
  const [day, mon, year, hh, mm, ss, sign, oh, om] = [m[3], m[4], m[5], m[6], m[7], m[8], m[9], m[10], m[11]].map(String);
  const month = MONTHS[mon!];
  if (month === undefined) return undefined;
  const d = Number(day);
  const [h, mi, s] = [Number(hh), Number(mm), Number(ss)];
  if (d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const local = Date.UTC(Number(year), month, d, h, mi, s);
  // Date.UTC rolls 31 Feb over into March: refuse instead.
  if (new Date(local).getUTCDate() !== d) return undefined;
  const offsetMin = (Number(oh) * 60 + Number(om)) * (sign === '-' ? -1 : 1);
  return new Date(local - offsetMin * 60_000).toISOString();
}

/**
 * The later fields, in the order AWS appended them. One real record shape has
 * a Host Id of two tokens (`AIDA… base64=`); it is rejoined when the token
 * after it is not a signature version but the next one is.
 */
function tailOf(text: string): Record<TailField, string | null> {
  const tokens = text.trim() === '' ? [] : text.trim().split(/ +/);
  if (tokens.length >= 4 && !SIGNATURE.test(tokens[2]!) && SIGNATURE.test(tokens[3]!)) {
    tokens.splice(1, 2, `${tokens[1]} ${tokens[2]}`);
  }
  const out = {} as Record<TailField, string | null>;
  TAIL_FIELDS.forEach((field, i) => (out[field] = dash(tokens[i])));
  return out;
}

/** Parses one log line; never throws. Fields past the known ones (newer formats) are ignored. */
export function parseAccessLogLine(line: string): LineParse {
  if (line.length > MAX_LINE_CHARS) return { ok: false, reason: `line longer than ${MAX_LINE_CHARS} characters` };
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  const head = HEAD.exec(text);
  if (!head) {
    return { ok: false, reason: 'does not start with owner, bucket, [dd/Mon/yyyy:hh:mm:ss +zzzz], remote IP, requester, request id, operation and key' };
  }
  const time = timeOf(head);
  if (!time) return { ok: false, reason: `invalid time [${head[3]}/${head[4]}/${head[5]}:${head[6]}:${head[7]}:${head[8]}]` };
  const bucket = head[2]!;
  if (bucket === '-') return { ok: false, reason: 'no bucket name' };

  const rest = REST.exec(text.slice(head[0].length));
  if (!rest) {
    return {
      ok: false,
      reason: 'after the key, expected "Request-URI" status error-code bytes-sent object-size total-time turn-around-time "Referer" "User-Agent"',
    };
  }
  const status = num(rest[3]);
  const record: AccessLogRecord = {
    bucket_owner: dash(head[1]),
    bucket,
    time,
    remote_ip: dash(head[12]),
    requester: dash(head[13]),
    request_id: dash(head[14]),
    operation: dash(head[15]),
    key: dash(head[16]),
    request_uri: rest[2] !== undefined ? null : quoted(rest[1]),
    http_status: status,
    error_code: dash(rest[4]),
    bytes_sent: num(rest[5]),
    object_size: num(rest[6]),
    total_time_ms: num(rest[7]),
    turn_around_ms: num(rest[8]),
    referrer: rest[10] !== undefined ? null : quoted(rest[9]),
    user_agent: rest[12] !== undefined ? null : quoted(rest[11]),
    ...tailOf(rest[13] ?? ''),
    failed: status !== null && status >= 400,
  };
  return { ok: true, record };
}
