/**
 * `npm run screenshots`: the demo digest as a reader sees it, on a quiet day
 * and on a burst day, at a phone's 390 px and a desktop's 1280 px, in
 * headless Chromium. The burst day has the quiet week before it, and a new
 * error on top of its storm, so its trends and marks show. Writes the PNGs
 * beside this file; the README shows them.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { marshall } from '@aws-sdk/util-dynamodb';
import { readExecutionItem, type FailureEntry } from '../../shared/capture/entry.ts';
import { renderEmail } from '../../shared/digest/render.ts';
import { rollupOf } from '../../shared/summary/model/day-rollup.ts';
import { groupsOfEntries } from '../../shared/summary/model/day-group.ts';
import { addDays, dayWindow } from '../../shared/time/report-day.ts';
import { generateDay } from '../../infra/local/demo-data.ts';
import { startEmailBrowser } from '../support/browser.ts';
import { reportOf } from '../support/reports.ts';
import { failureEntry } from '../support/failure-entry.ts';

const OUT = fileURLToPath(new URL('.', import.meta.url));
const DATE = '2026-11-30';
const TZ = 'Europe/Paris';
const WIDTHS = [390, 1280] as const;
const window = dayWindow(DATE, TZ);

/** The demo's execution-log day, read as capture reads each item. */
function demoEntries(date: string, burstHour: number | null): FailureEntry[] {
  const entries: FailureEntry[] = [];
  for (const item of generateDay({ date, tz: TZ, burstHour })) {
    const read = readExecutionItem(marshall(item, { removeUndefinedValues: true }), Date.now());
    if (read.kind === 'failure') entries.push(read.entry);
  }
  return entries;
}

/** A deploy that broke one job this morning: an error none of the week had. */
const regression = Array.from({ length: 6 }, (_, i) =>
  failureEntry({ pk: `invoice-render#run-new-${i}`, process: 'invoice-render', event_ts: window.start_ms + 9 * 3_600_000 + i * 900_000, message: `TypeError: Cannot read properties of undefined (reading 'currency')\n    at render (/srv/invoice/render.js:${40 + i}:17)`, source: 'execution-log' }),
);

function demoDigest(day: 'quiet' | 'burst'): { html: string; text: string } {
  const entries = day === 'quiet' ? demoEntries(DATE, null) : [...demoEntries(DATE, 2), ...regression];
  const history = day === 'quiet' ? [] : Array.from({ length: 7 }, (_, i) => addDays(DATE, i - 7)).map((date) => ({ date, rollup: rollupOf(groupsOfEntries(demoEntries(date, null))) }));
  const report = reportOf(window, entries, { history });
  return renderEmail(report, { fileName: `failures-${DATE}.csv`, rows: report.count });
}

const browser = await startEmailBrowser();
try {
  for (const day of ['quiet', 'burst'] as const) {
    const { html, text } = demoDigest(day);
    if (process.argv.includes('--text')) process.stdout.write(`${text}\n`);
    for (const width of WIDTHS) {
      const page = await browser.open(html, width);
      const file = join(OUT, `${day}-${width}.png`);
      // The first screen, as the reader opens it.
      await page.screenshot({ path: file });
      await page.close();
      process.stdout.write(`wrote ${file}\n`);
    }
  }
} finally {
  await browser.close();
}
