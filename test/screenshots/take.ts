/**
 * `npm run screenshots`: the demo digest as a reader sees it, on a quiet day
 * and on a burst day, at a phone's 390 px and a desktop's 1280 px, in
 * headless Chromium. Writes the PNGs beside this file; the README shows them.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { marshall } from '@aws-sdk/util-dynamodb';
import { readExecutionItem, type FailureEntry } from '../../shared/capture/entry.ts';
import { renderEmail } from '../../shared/digest/render.ts';
import { buildReport } from '../../shared/digest/report.ts';
import { dayWindow } from '../../shared/time/report-day.ts';
import { generateDay } from '../../infra/local/demo-data.ts';
import { startEmailBrowser } from '../support/browser.ts';
import { COMPLETE } from '../support/reports.ts';

const OUT = fileURLToPath(new URL('.', import.meta.url));
const DATE = '2026-11-30';
const TZ = 'Europe/Paris';
const WIDTHS = [390, 1280] as const;

/** The demo's execution-log day, read as capture reads each item, and rendered as the digest renders it. */
function demoDigest(burstHour: number | null): string {
  const entries: FailureEntry[] = [];
  for (const item of generateDay({ date: DATE, tz: TZ, burstHour })) {
    const read = readExecutionItem(marshall(item, { removeUndefinedValues: true }), Date.now());
    if (read.kind === 'failure') entries.push(read.entry);
  }
  const report = buildReport({ window: dayWindow(DATE, TZ), source: 'summary', sourceNote: '', completeness: COMPLETE, entries, unreadable: 0 });
  return renderEmail(report, { fileName: `failures-${DATE}.csv`, rows: report.count }).html;
}

const browser = await startEmailBrowser();
try {
  for (const [day, burstHour] of [['quiet', null], ['burst', 2]] as const) {
    const html = demoDigest(burstHour);
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
