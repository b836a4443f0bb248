/**
 * Turns an error line into a template: every part that varies from one
 * occurrence of the same error to the next (ids, numbers, times, addresses,
 * line numbers) is replaced by a placeholder, so one error gives one template.
 *
 * The rules are one ordered table, matched in a single pass from left to
 * right, as Sentry's message parameterisation does: the match that starts
 * first wins, and where two rules match at the same place the one higher in
 * the table wins. Replaced text is never looked at again, so a rule cannot
 * undo another's placeholder, and a date is never read as three numbers
 * because the date rule comes first.
 */

/** One row of the table: what it finds, and the text that stands for it. */
export interface NormaliseRule {
  /** Names the rule (and its regular-expression group): a JavaScript identifier. */
  readonly name: string;
  readonly placeholder: string;
  /** Regular-expression source; no named groups of its own. */
  readonly pattern: string;
}

const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const WEEKDAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const HMS = '[0-2]\\d:[0-5]\\d:[0-5]\\d';
const FRACTION = '(?:[.,]\\d{1,9})?';
const OFFSET = '(?:Z|\\s?[+-][0-2]\\d:?[0-5]\\d|\\s?(?:UTC|GMT))';
const HEX4 = '[0-9a-fA-F]{1,4}';
// Extensions of source files, whose `:line` or `:line:column` is a stack position, not a port.
const SOURCE_EXT = '(?:js|mjs|cjs|jsx|ts|mts|cts|tsx|py|java|kt|kts|scala|groovy|clj|go|rb|php|cs|rs|swift|c|cc|cpp|h|hpp|ex|exs|erl)';

const any = (...alternatives: string[]) => alternatives.join('|');

export const NORMALISE_RULES: readonly NormaliseRule[] = [
  {
    // Before anything else: an address holds dots and digits the later rules would take apart.
    name: 'email',
    placeholder: '<email>',
    pattern: "(?<![\\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}\\b",
  },
  {
    // The whole URL: its query and path vary per call. s3:// is not one of them, so a key keeps its shape.
    name: 'url',
    placeholder: '<url>',
    pattern: "\\b(?:https?|wss?|ftp)://[^\\s\"'<>]*[^\\s\"'<>.,;:!?)\\]}]",
  },
  {
    // IPv4, and IPv6 in its full or `::` form. A port after it is a number like any other: `<ip>:<int>`.
    // An IPv6 must hold a digit, so `Db::Add` or `Class::method` stay what they are.
    name: 'ip',
    placeholder: '<ip>',
    pattern: any(
      '(?<![\\w.])(?:(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)(?!\\w|\\.\\d)',
      `(?<![\\w:])(?=[\\w:]*\\d)(?:(?:${HEX4}:){7}${HEX4}|(?:${HEX4}:){1,6}(?::${HEX4}){1,6}|(?:${HEX4}:){1,7}:|::(?:${HEX4}:){0,6}${HEX4})(?![\\w:])`,
    ),
  },
  {
    name: 'uuid',
    placeholder: '<uuid>',
    pattern: '\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b',
  },
  {
    // A date with a time, in the formats logs and libraries write; epoch milliseconds of 2001 to 2096 too
    // (13 digits): seconds are ten digits like many counters, and are left to `int`.
    name: 'timestamp',
    placeholder: '<timestamp>',
    pattern: any(
      // ISO 8601 / RFC 3339, and the log style `2026-11-30 08:00:01,123`
      `(?<!\\d)\\d{4}-[01]\\d-[0-3]\\d[T ][0-2]\\d:[0-5]\\d(?::[0-5]\\d${FRACTION})?${OFFSET}?(?!\\d)`,
      // ISO 8601 basic `20261130T080001Z`
      '(?<!\\d)\\d{8}T\\d{6}(?:\\.\\d+)?Z?(?!\\d)',
      // Common log format, as S3 access logs write it: `30/Nov/2026:08:00:01 +0000`
      `(?<!\\d)[0-3]?\\d/${MONTH}/\\d{4}:${HMS}(?:\\s[+-]\\d{4})?`,
      // RFC 2822 `Mon, 30 Nov 2026 08:00:01 +0000`
      `(?:${WEEKDAY},?\\s)?(?<!\\d)[0-3]?\\d\\s${MONTH}\\s\\d{4}\\s[0-2]\\d:[0-5]\\d(?::[0-5]\\d)?(?:\\s(?:[+-]\\d{4}|UT|UTC|GMT|[ECMP][SD]T))?`,
      // JavaScript's Date#toString `Mon Nov 30 2026 08:00:01 GMT+0100 (Central European Standard Time)`
      `${WEEKDAY}\\s${MONTH}\\s[0-3]\\d\\s\\d{4}\\s${HMS}\\sGMT[+-]\\d{4}(?:\\s\\([^)]*\\))?`,
      // ctime and syslog `Mon Nov 30 08:00:01 2026`, `Nov 30 08:00:01`
      `(?:${WEEKDAY}\\s)?${MONTH}\\s+[0-3]?\\d\\s${HMS}(?:\\s\\d{4})?`,
      '(?<![\\w.])[1-3]\\d{12}(?![\\w.])',
    ),
  },
  {
    // A date alone, also as path segments (`logs/2026/11/30/`, so a dated S3 key keeps its shape).
    name: 'date',
    placeholder: '<date>',
    pattern: any(
      '(?<!\\d)\\d{4}-[01]\\d-[0-3]\\d(?!\\d)',
      '(?<!\\d)\\d{4}/[01]?\\d/[0-3]?\\d(?:/[0-2]\\d)?(?![\\d])',
      '(?<![\\w.])(?:19|20)\\d\\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])(?![\\w.])',
      '(?<![\\d/.])\\d{1,2}[/.]\\d{1,2}[/.]\\d{4}(?![\\d/.])',
      `(?:${WEEKDAY},?\\s)?${MONTH}\\s[0-3]?\\d,\\s\\d{4}`,
      `(?<!\\d)[0-3]?\\d\\s${MONTH}\\s\\d{4}`,
    ),
  },
  {
    // Seconds required: `10:15` alone is as often a line and column, or a ratio.
    name: 'time',
    placeholder: '<time>',
    pattern: `(?<![\\d:])${HMS}${FRACTION}(?![\\d:])`,
  },
  {
    // 0x-prefixed, or 8+ hex digits holding a digit and a letter in one case (hashes, request ids):
    // a word of letters a to f, or a plain number, is not taken for hex.
    name: 'hex',
    placeholder: '<hex>',
    pattern: any('\\b0[xX][0-9a-fA-F]+\\b', '\\b(?=[a-f]*\\d)(?=\\d*[a-f])[0-9a-f]{8,}\\b', '\\b(?=[A-F]*\\d)(?=\\d*[A-F])[0-9A-F]{8,}\\b'),
  },
  {
    // Opaque tokens such as S3 upload ids (base64url): 20+ characters with 3+ digits. Class names
    // (`Http2StreamResetException`) have fewer digits and stay.
    name: 'id',
    placeholder: '<id>',
    pattern: '(?<![\\w-])(?=(?:[A-Za-z_-]*\\d){3})(?=[\\w-]*[A-Za-z])[A-Za-z0-9_-]{20,}(?![\\w-])',
  },
  {
    // `250ms`, `1m30s`, `1.5 s`, `3 minutes`. `m` and `d` count only glued to the number (`5m`, `3d`):
    // `5 m` is as often metres.
    name: 'duration',
    placeholder: '<duration>',
    pattern: any(
      '(?<![\\w.])\\d+(?:\\.\\d+)?(?:ns|us|µs|ms|s|m|h|d)(?:\\d+(?:\\.\\d+)?(?:ns|us|µs|ms|s|m|h))*(?![\\w])',
      '(?<![\\w.])\\d+(?:\\.\\d+)?\\s(?:ns|us|µs|ms|milliseconds?|s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?|days?)(?![\\w])',
    ),
  },
  {
    // Only the value of a key=value pair: other quoted text is often the error's own words.
    name: 'quoted',
    placeholder: '<quoted>',
    pattern: `(?<==\\s?)(?:"[^"\\n]*"|'[^'\\n]*')`,
  },
  {
    name: 'bool',
    placeholder: '<bool>',
    pattern: '(?<==)(?:true|false|True|False)\\b',
  },
  {
    // `file.py", line 42` and `file.js:10:5`: one placeholder for line and column, so a frame with
    // and without a column read the same.
    name: 'line',
    placeholder: '<line>',
    pattern: `(?<=", line |\\.${SOURCE_EXT}:)\\d+(?::\\d+)?(?!\\d)`,
  },
  {
    name: 'float',
    placeholder: '<float>',
    pattern: '(?:(?<!\\w)-)?\\b\\d+\\.\\d+\\b',
  },
  {
    // Digits glued to letters are part of a name (`x86`, `s3`, `HTTP2`) and stay.
    name: 'int',
    placeholder: '<int>',
    pattern: '(?:(?<!\\w)-)?\\b\\d+\\b',
  },
];

const ALL = new RegExp(NORMALISE_RULES.map((r) => `(?<${r.name}>${r.pattern})`).join('|'), 'g');

/** Replaces what varies in `text` by the table's placeholders. Pure. */
export function normalise(text: string): string {
  return text.replace(ALL, (match: string, ...rest: unknown[]) => {
    const groups = rest.at(-1) as Record<string, string | undefined>;
    return NORMALISE_RULES.find((r) => groups[r.name] !== undefined)?.placeholder ?? match;
  });
}
