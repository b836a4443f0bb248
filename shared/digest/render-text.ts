import { oneLine } from '../email/safe-text.ts';
import { layoutOf } from './layout.ts';
import {
  FOOTER,
  OTHERS_HEADING,
  TEXT_FIELD_CHARS,
  TEXT_MESSAGE_CHARS,
  attachmentLine,
  firstLine,
  hasTrend,
  headerLines,
  markOf,
  remainingLine,
  restLine,
  sourceTag,
  templateOf,
  titleOf,
  whenOf,
  type AttachmentNote,
} from './render-parts.ts';
import type { DigestReport, ReportGroup } from './report.ts';
import { trendNumbers, trendText } from './trend.ts';
import { plural } from './words.ts';

/** A group in four lines at most: what and how many, the error line, the template, the trend. */
function groupText(g: ReportGroup, i: number, r: DigestReport): string {
  const mark = markOf(g);
  const msg = firstLine(g.error_line, TEXT_MESSAGE_CHARS) || '(no message)';
  const template = templateOf(g);
  return [
    `${i + 1}. ${mark ? `${mark} ` : ''}${oneLine(g.process, TEXT_FIELD_CHARS)}${sourceTag(g)}: ${plural(g.count, 'failure')}, ${whenOf(g, r.window.tz)}`,
    `   latest (${oneLine(g.latest_pk, TEXT_FIELD_CHARS)}): ${msg}`,
    ...(template ? [`   template: ${oneLine(template, TEXT_MESSAGE_CHARS)}`] : []),
    ...(hasTrend(r) ? [`   trend: ${trendText(g.trend)} (${trendNumbers(g.trend)})`] : []),
  ].join('\n');
}

/** The plain-text part: the same as the HTML part, line for line where it can be. */
export function renderText(r: DigestReport, note?: AttachmentNote): string {
  const layout = layoutOf(r.groups);
  const parts = [[titleOf(r), r.verdict, ...headerLines(r)].join('\n')];
  if (layout.shown.length > 0) parts.push(layout.shown.map((g, i) => groupText(g, i, r)).join('\n\n'));
  if (layout.processes.length > 0 || layout.rest) {
    const lines = layout.processes.map((p) => {
      const { name, what } = remainingLine(p, TEXT_FIELD_CHARS);
      return `- ${name}: ${what}`;
    });
    if (layout.rest) lines.push(restLine(layout.rest, note !== undefined && 'fileName' in note));
    parts.push([OTHERS_HEADING, ...lines].join('\n'));
  }
  const attached = attachmentLine(r, note);
  if (attached) parts.push(attached);
  parts.push(FOOTER);
  return `${parts.join('\n\n')}\n`;
}
