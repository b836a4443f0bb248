import { DEFAULT_SOURCE } from '../capture/entry.ts';
import { LINE_BREAK, MAX_EMAIL_SUBJECT, headerSafe, oneLine, visibleCut } from '../email/safe-text.ts';
import { formatLocalTime } from '../time/report-day.ts';
import { HISTORY_DAYS } from './history.ts';
import type { DigestLayout } from './layout.ts';
import type { DigestReport, ReportGroup } from './report.ts';
import { decimal, plural } from './words.ts';

/**
 * The lines both parts of the email say, as plain text: each part makes
 * them safe for itself (the HTML part escapes them). Every value from the
 * data goes through `oneLine`, so none can start a line of its own.
 */

/** A process name, pk or template longer than this is cut in the text part, whose lines nothing wraps; the HTML part shows it whole. */
export const TEXT_FIELD_CHARS = 200;
export const TEXT_MESSAGE_CHARS = 200;
const SOURCE_CHARS = 60;
const SPELLING_CHARS = 40;
const MAX_SPELLINGS_SHOWN = 5;
export const FOOTER = 'Times are local to the report zone. Sent once per report day by failure-digest.';

export function renderSubject(r: DigestReport): string {
  const what = r.count === 0 ? 'no failures' : plural(r.count, 'failure');
  return headerSafe(`failure-digest: ${what} on ${r.window.date} (${r.window.tz})`, MAX_EMAIL_SUBJECT);
}

export const titleOf = (r: DigestReport) => `Failure digest for ${r.window.date} (${r.window.tz})`;

function windowLine(r: DigestReport): string {
  const hours = (r.window.end_ms - r.window.start_ms) / 3_600_000;
  return `Window: ${formatLocalTime(r.window.start_ms, r.window.tz)} on ${r.window.date} to ${formatLocalTime(r.window.end_ms, r.window.tz)} the next day (${hours} h)`;
}

function sourceLine(r: DigestReport): string {
  // The note can quote an AWS error or a shard's record, so it is data too.
  const note = oneLine(r.sourceNote);
  return r.source === 'summary'
    ? `Source: summary table, captured from the table's stream. ${note}`.trim()
    : `Source: status/event_ts index query (fallback). ${note}`.trim();
}

/** The day's total against the day before and the average of the week. */
function totalsLine(r: DigestReport): string {
  const before = r.previous_day_count === null ? 'the day before not known' : `the day before ${plural(r.previous_day_count, 'failure')}`;
  if (r.avg_7d === null) return `Total: ${plural(r.count, 'failure')}; no earlier day is known.`;
  const known = r.history_days_known < HISTORY_DAYS ? ` (${r.history_days_known} of ${HISTORY_DAYS} days known)` : '';
  return `Total: ${plural(r.count, 'failure')}; ${before}; ${HISTORY_DAYS}-day average ${decimal(r.avg_7d)}${known}.`;
}

function bySourceLine(r: DigestReport): string | undefined {
  const sources = Object.entries(r.by_source);
  if (sources.length === 0) return undefined;
  return `By source: ${sources.map(([s, n]) => `${oneLine(s, SOURCE_CHARS)} ${n.toLocaleString('en-US')}`).join(', ')}.`;
}

/**
 * Spellings quoted as JSON, so padding shows: `"failed", "FAILED " or "\tFailed"`.
 * JSON leaves bidi controls, C1 controls and U+2028 raw, so they are shown as code points.
 */
function spellings(values: readonly string[]): string {
  const shown = values.slice(0, MAX_SPELLINGS_SHOWN).map((v) => visibleCut(JSON.stringify(v), SPELLING_CHARS));
  const more = values.length - shown.length;
  if (more > 0) return `${shown.join(', ')} and ${plural(more, 'other spelling')}`;
  return shown.length > 1 ? `${shown.slice(0, -1).join(', ')} or ${shown.at(-1)}` : (shown[0] ?? '');
}

function statusLines(r: DigestReport): string[] {
  if (r.statusVariants === null) {
    return ['The index query only finds status exactly FAILED: failures written as "failed" or "FAILED " (another case, or padded) are not in this report.'];
  }
  const { count, values } = r.statusVariants;
  if (count === 0) return [];
  return [
    `${plural(count, 'failure')} ${count === 1 ? 'was' : 'were'} written with status ${spellings(values)}: the index query only finds status exactly FAILED; fix the writer.`,
  ];
}

function unreadableLines(r: DigestReport): string[] {
  if (r.unreadable === 0) return [];
  return [
    `${plural(r.unreadable, 'unreadable FAILED record')} received that day could not be read and ${r.unreadable === 1 ? 'is' : 'are'} kept in the summary table under UNREADABLE#${r.window.tz}#${r.window.date}.`,
  ];
}

/** The lines under the title and the verdict: the totals, then where they come from and what they may miss. */
export function headerLines(r: DigestReport): string[] {
  const sources = bySourceLine(r);
  return [totalsLine(r), ...(sources ? [sources] : []), windowLine(r), sourceLine(r), ...statusLines(r), ...unreadableLines(r)];
}

/** Names the sources of a group unless it is only the execution log, so S3 access-log failures stand out. */
export function sourceTag(g: ReportGroup): string {
  return g.sources.every((s) => s === DEFAULT_SOURCE) ? '' : ` [${oneLine(g.sources.join(', '), TEXT_FIELD_CHARS)}]`;
}

/** `NEW`, `BACK` or nothing. */
export const markOf = (g: ReportGroup): string | undefined => (g.new ? 'NEW' : g.back ? 'BACK' : undefined);

/** When a group failed: one time, or the first and the last. */
export function whenOf(g: ReportGroup, tz: string): string {
  return g.count === 1 ? `at ${formatLocalTime(g.first_ts, tz)}` : `first ${formatLocalTime(g.first_ts, tz)}, last ${formatLocalTime(g.last_ts, tz)}`;
}

const uncut = (s: string) => s.trim().replace(/…$/, '');

/**
 * The template, when it says more than the error line shown: not when it is
 * that line (a cut traceback shows its template), nor when one is the other
 * cut shorter (a 5,000-character word).
 */
export function templateOf(g: ReportGroup): string | undefined {
  const t = uncut(g.template);
  const line = uncut(g.error_line);
  return t === '' || t.startsWith(line) || line.startsWith(t) ? undefined : g.template.trim();
}

export function firstLine(message: string, max: number): string {
  return oneLine(message.split(LINE_BREAK, 1)[0]?.trim() ?? '', max, { tab: true });
}

/** Whether a group's trend is worth drawing: some earlier day is known. */
export const hasTrend = (r: DigestReport) => r.history_days_known > 0;

export const OTHERS_HEADING = 'Other failures, by process:';

export function remainingLine(p: DigestLayout['processes'][number], max = Number.POSITIVE_INFINITY): { name: string; what: string } {
  const failures = p.alsoShown ? plural(p.count, 'more failure') : plural(p.count, 'failure');
  return { name: oneLine(p.process, max), what: `${failures} in ${plural(p.groups, p.alsoShown ? 'other error' : 'error')}` };
}

/** What is left past the process lines: never a bare "and N more", always with its failures and where they are. */
export function restLine(rest: NonNullable<DigestLayout['rest']>, attached: boolean): string {
  const where = attached ? ', listed in the attached CSV' : '';
  return `${plural(rest.processes, 'more process', 'more processes')} with ${plural(rest.failures, 'failure')}${where}.`;
}

/** What became of the CSV of every failure: attached, or too large for one message. */
export type AttachmentNote = { readonly fileName: string; readonly rows: number } | { readonly omitted: string };

/** The line that says where every failure of the day is; none on a day without failures. */
export function attachmentLine(r: DigestReport, note: AttachmentNote | undefined): string | undefined {
  if (!note || r.count === 0) return undefined;
  return 'fileName' in note
    ? `Every failure of the day is in the attached ${oneLine(note.fileName)} (${plural(note.rows, 'row')}).`
    : `The list of every failure is not attached: ${oneLine(note.omitted)}.`;
}
