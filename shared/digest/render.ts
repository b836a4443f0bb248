import { DEFAULT_SOURCE } from '../capture/entry.ts';
import { LINE_BREAK, MAX_EMAIL_SUBJECT, escapeHtml, headerSafe, multiLine, oneLine, visibleCut } from '../email/safe-text.ts';
import { formatLocalTime } from '../time/report-day.ts';
import type { DigestReport, ProcessGroup } from './report.ts';

export interface RenderedEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** Beyond this many processes the email summarises the rest in one line. */
export const MAX_GROUPS_SHOWN = 100;
const TEXT_MESSAGE_CHARS = 200;
/** A process name or pk longer than this is cut in the text part, whose lines nothing wraps; the HTML part shows it whole. */
const TEXT_FIELD_CHARS = 200;
const SPELLING_CHARS = 40;

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export function renderSubject(r: DigestReport): string {
  const what = r.count === 0 ? 'no failures' : plural(r.count, 'failure');
  return headerSafe(`failure-digest: ${what} on ${r.window.date} (${r.window.tz})`, MAX_EMAIL_SUBJECT);
}

function firstLine(message: string, max: number): string {
  return oneLine(message.split(LINE_BREAK, 1)[0]?.trim() ?? '', max, { tab: true });
}

function sourceLine(r: DigestReport): string {
  // The note can quote an AWS error or a shard's record, so it is data too.
  const note = oneLine(r.sourceNote);
  return r.source === 'summary'
    ? `Source: summary table, captured from the table's stream. ${note}`.trim()
    : `Source: status/event_ts index query (fallback). ${note}`.trim();
}

const MAX_SPELLINGS_SHOWN = 5;

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

function header(r: DigestReport): string[] {
  const hours = (r.window.end_ms - r.window.start_ms) / 3_600_000;
  const lines = [
    `Failure digest for ${r.window.date} (${r.window.tz})`,
    `Window: ${formatLocalTime(r.window.start_ms, r.window.tz)} on ${r.window.date} to ${formatLocalTime(r.window.end_ms, r.window.tz)} the next day (${hours} h)`,
    sourceLine(r),
    r.count === 0 ? 'No process failed that day.' : `${plural(r.count, 'failure')} in ${plural(r.groups.length, 'process', 'processes')}.`,
  ];
  lines.push(...statusLines(r));
  if (r.unreadable > 0) {
    lines.push(
      `${plural(r.unreadable, 'unreadable FAILED record')} received that day could not be read and ${r.unreadable === 1 ? 'is' : 'are'} kept in the summary table under UNREADABLE#${r.window.tz}#${r.window.date}.`,
    );
  }
  return lines;
}

function hiddenSummary(r: DigestReport): { groups: number; failures: number } | undefined {
  if (r.groups.length <= MAX_GROUPS_SHOWN) return undefined;
  const hidden = r.groups.slice(MAX_GROUPS_SHOWN);
  return { groups: hidden.length, failures: hidden.reduce((n, g) => n + g.count, 0) };
}

/** Names the sources of a group unless it is only the execution log, so S3 access-log failures stand out. */
function sourceTag(g: ProcessGroup): string {
  return g.sources.every((s) => s === DEFAULT_SOURCE) ? '' : ` [${oneLine(g.sources.join(', '), TEXT_FIELD_CHARS)}]`;
}

function groupText(g: ProcessGroup, i: number, tz: string): string {
  const when = whenOf(g, tz);
  const msg = firstLine(g.latest_error, TEXT_MESSAGE_CHARS) || '(no message)';
  return `${i + 1}. ${oneLine(g.process, TEXT_FIELD_CHARS)}${sourceTag(g)}: ${plural(g.count, 'failure')}, ${when}\n   latest (${oneLine(g.latest_pk, TEXT_FIELD_CHARS)}): ${msg}`;
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

export function renderText(r: DigestReport, note?: AttachmentNote): string {
  const parts = [header(r).join('\n')];
  if (r.groups.length > 0) {
    parts.push(r.groups.slice(0, MAX_GROUPS_SHOWN).map((g, i) => groupText(g, i, r.window.tz)).join('\n\n'));
  }
  const hidden = hiddenSummary(r);
  if (hidden) parts.push(`…and ${plural(hidden.groups, 'more process', 'more processes')} with ${plural(hidden.failures, 'failure')}.`);
  const attached = attachmentLine(r, note);
  if (attached) parts.push(attached);
  parts.push('Times are local to the report zone. Sent once per report day by failure-digest.');
  return `${parts.join('\n\n')}\n`;
}

/** A one-line value as HTML text: whole, since the cell wraps it. */
const htmlField = (s: string) => escapeHtml(oneLine(s));
// Inline, because mail clients drop style sheets; `anywhere` also lets the table shrink a column below a long word.
const WRAP = 'overflow-wrap:anywhere;word-break:break-word';

/** When a group failed, as its text line says it: one time, or the first and the last. */
function whenOf(g: ProcessGroup, tz: string): string {
  return g.count === 1 ? `at ${formatLocalTime(g.first_ts, tz)}` : `first ${formatLocalTime(g.first_ts, tz)}, last ${formatLocalTime(g.last_ts, tz)}`;
}

/**
 * One block per process, stacked: name and count, then when and the latest
 * pk, then the message. Nothing sits side by side, so a phone's 390 px shows
 * it whole and a wide screen shows it at most 760 px wide.
 */
function groupHtml(g: ProcessGroup, tz: string): string {
  return `<tr><td style="padding:10px 0;border-top:1px solid #ddd;vertical-align:top;${WRAP}">
<div style="font-size:15px"><strong>${htmlField(g.process)}</strong>${escapeHtml(sourceTag(g))}: <strong>${plural(g.count, 'failure')}</strong></div>
<div style="font-size:13px;color:#555">${escapeHtml(whenOf(g, tz))} · latest ${htmlField(g.latest_pk)}</div>
<pre style="margin:6px 0 0;padding:6px 8px;background:#f4f4f4;white-space:pre-wrap;${WRAP};font-size:12px">${escapeHtml(multiLine(g.latest_error) || '(no message)')}</pre>
</td></tr>`;
}

export function renderHtml(r: DigestReport, note?: AttachmentNote): string {
  const tz = r.window.tz;
  const attached = attachmentLine(r, note);
  const hidden = hiddenSummary(r);
  const table =
    r.groups.length === 0
      ? ''
      : `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;width:100%;max-width:760px;font-size:14px">
<tbody>
${r.groups.slice(0, MAX_GROUPS_SHOWN).map((g) => groupHtml(g, tz)).join('\n')}
</tbody>
</table>${hidden ? `\n<p>…and ${plural(hidden.groups, 'more process', 'more processes')} with ${plural(hidden.failures, 'failure')}.</p>` : ''}`;
  const [title, ...rest] = header(r);
  return `<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(renderSubject(r))}</title></head>
<body style="margin:0;padding:12px;font-family:sans-serif;${WRAP}">
<div style="max-width:760px">
<h2 style="margin:0 0 8px;font-size:20px">${escapeHtml(title ?? '')}</h2>
${rest.map((l) => `<p style="margin:4px 0">${escapeHtml(l)}</p>`).join('\n')}
${table}
${attached ? `<p>${escapeHtml(attached)}</p>\n` : ''}<p><small>Times are local to the report zone. Sent once per report day by failure-digest.</small></p>
</div>
</body></html>
`;
}

export function renderEmail(r: DigestReport, note?: AttachmentNote): RenderedEmail {
  return { subject: renderSubject(r), text: renderText(r, note), html: renderHtml(r, note) };
}
