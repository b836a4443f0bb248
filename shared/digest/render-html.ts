import { escapeHtml, multiLine, oneLine } from '../email/safe-text.ts';
import { layoutOf, type DigestLayout } from './layout.ts';
import {
  FOOTER,
  OTHERS_HEADING,
  attachmentLine,
  hasTrend,
  headerLines,
  markOf,
  remainingLine,
  renderSubject,
  restLine,
  sourceTag,
  templateOf,
  titleOf,
  whenOf,
  type AttachmentNote,
} from './render-parts.ts';
import type { DigestReport, ReportGroup } from './report.ts';
import { trendHtml } from './trend.ts';
import { plural } from './words.ts';

/**
 * The HTML part, for mail clients: tables and inline styles only (clients
 * drop style sheets), no scripts, images or fonts, one column at most 760 px
 * wide that a phone's 390 px shows whole. Every value from the data is
 * escaped where it is put.
 */

/** A one-line value as HTML text: whole, since the cell wraps it. */
const htmlField = (s: string) => escapeHtml(oneLine(s));
// `anywhere` also lets the table shrink a column below a long word.
const WRAP = 'overflow-wrap:anywhere;word-break:break-word';
const MARK_COLOURS: Record<string, string> = { NEW: '#b3261e', BACK: '#8a5300' };

function markHtml(g: ReportGroup): string {
  const mark = markOf(g);
  if (!mark) return '';
  return `<span style="display:inline-block;margin-right:6px;padding:0 5px;border-radius:3px;background:${MARK_COLOURS[mark]};color:#ffffff;font-size:12px;font-weight:bold;line-height:18px">${mark}</span>`;
}

/**
 * One block per group, stacked: mark, name and count, then when and the
 * latest pk, then the error line, the template and the trend. Nothing sits
 * side by side but the trend's small bars.
 */
function groupHtml(g: ReportGroup, r: DigestReport): string {
  const template = templateOf(g);
  return `<tr><td style="padding:10px 0;border-top:1px solid #ddd;vertical-align:top;${WRAP}">
<div style="font-size:15px">${markHtml(g)}<strong>${htmlField(g.process)}</strong>${escapeHtml(sourceTag(g))}: <strong>${plural(g.count, 'failure')}</strong></div>
<div style="font-size:13px;color:#555">${escapeHtml(whenOf(g, r.window.tz))} · latest ${htmlField(g.latest_pk)}</div>
<pre style="margin:6px 0 0;padding:6px 8px;background:#f4f4f4;white-space:pre-wrap;${WRAP};font-size:12px">${escapeHtml(multiLine(g.error_line) || '(no message)')}</pre>
${template ? `<div style="font-size:12px;color:#555;margin-top:4px">template: ${htmlField(template)}</div>\n` : ''}${hasTrend(r) ? `${trendHtml(g.trend)}\n` : ''}</td></tr>`;
}

function othersHtml(layout: DigestLayout, attached: boolean): string {
  if (layout.processes.length === 0 && !layout.rest) return '';
  const rows = layout.processes.map((p) => {
    const { name, what } = remainingLine(p);
    return `<tr><td style="padding:2px 8px 2px 0;vertical-align:top;${WRAP}">${escapeHtml(name)}</td><td style="padding:2px 0;vertical-align:top;text-align:right;white-space:nowrap">${escapeHtml(what)}</td></tr>`;
  });
  const table = rows.length === 0 ? '' : `\n<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;width:100%;font-size:13px"><tbody>\n${rows.join('\n')}\n</tbody></table>`;
  const rest = layout.rest ? `\n<p style="margin:4px 0">${escapeHtml(restLine(layout.rest, attached))}</p>` : '';
  return `<p style="margin:16px 0 4px"><strong>${escapeHtml(OTHERS_HEADING)}</strong></p>${table}${rest}\n`;
}

export function renderHtml(r: DigestReport, note?: AttachmentNote): string {
  const layout = layoutOf(r.groups);
  const attached = attachmentLine(r, note);
  const groups =
    layout.shown.length === 0
      ? ''
      : `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;width:100%;max-width:760px;font-size:14px">
<tbody>
${layout.shown.map((g) => groupHtml(g, r)).join('\n')}
</tbody>
</table>
`;
  return `<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(renderSubject(r))}</title></head>
<body style="margin:0;padding:12px;font-family:sans-serif;${WRAP}">
<div style="max-width:760px">
<h2 style="margin:0 0 8px;font-size:20px">${escapeHtml(titleOf(r))}</h2>
<p style="margin:0 0 10px;font-size:17px"><strong>${escapeHtml(r.verdict)}</strong></p>
${headerLines(r).map((l) => `<p style="margin:4px 0">${escapeHtml(l)}</p>`).join('\n')}
${groups}${othersHtml(layout, note !== undefined && 'fileName' in note)}${attached ? `<p>${escapeHtml(attached)}</p>\n` : ''}<p><small>${escapeHtml(FOOTER)}</small></p>
</div>
</body></html>
`;
}
