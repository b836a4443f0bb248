/**
 * A group's trend (its count on each of the previous days, then today's;
 * null for a day not known) drawn for each part of the email: block
 * characters in the text part, a one-row table of bars in the HTML part,
 * which mail clients draw without images, fonts or style sheets.
 */
export type Trend = readonly (number | null)[];

const BLOCKS = '▁▂▃▄▅▆▇█';
/** A day not known. */
export const UNKNOWN_DAY = '·';
/** A known day without a failure: lower than any bar. */
export const ZERO_DAY = '_';
const BAR_PX = 24;

const peak = (trend: Trend) => Math.max(1, ...trend.map((n) => n ?? 0));

/** The block of one day: the day's share of the highest day, in eighths, at least one for a day with failures. */
function block(n: number | null, max: number): string {
  if (n === null) return UNKNOWN_DAY;
  if (n === 0) return ZERO_DAY;
  return BLOCKS[Math.max(1, Math.ceil((n / max) * BLOCKS.length)) - 1]!;
}

/** The counts as a reader checks them: `0 1 3 - 5 4 2, today 12`, `-` for a day not known. */
export function trendNumbers(trend: Trend): string {
  const before = trend.slice(0, -1).map((n) => (n === null ? '-' : n.toLocaleString('en-US')));
  return `${before.join(' ')}, today ${(trend.at(-1) ?? 0).toLocaleString('en-US')}`;
}

/** `▁▃_·▅▇▃│█`: the previous days, a bar, today. */
export function trendText(trend: Trend): string {
  const max = peak(trend);
  const blocks = trend.map((n) => block(n, max));
  return `${blocks.slice(0, -1).join('')}│${blocks.at(-1) ?? ''}`;
}

function barCell(n: number | null, max: number, today: boolean): string {
  const bar =
    n === null
      ? `<div style="width:10px;height:0;border-bottom:2px dotted #bbbbbb;font-size:0;line-height:0"></div>`
      : `<div style="width:10px;height:${n === 0 ? 1 : Math.max(2, Math.round((n / max) * BAR_PX))}px;background:${n === 0 ? '#cccccc' : today ? '#b3261e' : '#8c8c8c'};font-size:0;line-height:0"></div>`;
  return `<td style="vertical-align:bottom;height:${BAR_PX}px;padding:0 ${today ? '0 0 4px' : '1px'}">${bar}</td>`;
}

/** The trend as a row of bars, today's last and red, with the counts beside it. Numbers only: nothing to escape. */
export function trendHtml(trend: Trend): string {
  const max = peak(trend);
  const cells = trend.map((n, i) => barCell(n, max, i === trend.length - 1)).join('');
  return `<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;margin-top:6px"><tbody><tr>${cells}<td style="vertical-align:bottom;padding-left:8px;font-size:12px;color:#555">${trendNumbers(trend)}</td></tr></tbody></table>`;
}
