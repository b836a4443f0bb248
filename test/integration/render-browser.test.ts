import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FailureEntry } from '../../shared/capture/entry.ts';
import { renderEmail } from '../../shared/digest/render.ts';
import { buildReport } from '../../shared/digest/report.ts';
import { dayWindow } from '../../shared/time/report-day.ts';
import { startEmailBrowser, type EmailBrowser } from '../support/browser.ts';
import { COMPLETE } from '../support/reports.ts';
import { failureEntry } from '../support/failure-entry.ts';

const DATE = '2026-11-30';
const TZ = 'Europe/Paris';
const day = dayWindow(DATE, TZ);
const HOSTILE_PROCESS = '<img src=x onerror=alert(1)>';
const LONG_WORD = 'A'.repeat(5_000);
const TRACEBACK = [
  'Traceback (most recent call last):',
  '  File "/srv/etl/load.py", line 42, in load',
  '    rows = fetch(conn)',
  '  File "/srv/etl/db.py", line 17, in fetch',
  '    raise TimeoutError(f"Connection to {host}:5432 timed out after 3000 ms")',
  'TimeoutError: Connection to 10.0.0.7:5432 timed out after 3000 ms',
].join('\n');

const entry = (i: number, process: string, message: string): FailureEntry =>
  failureEntry({ pk: `${process}#run-${i}`, process, event_ts: day.start_ms + 3_600_000 + i * 60_000, message, source: 'execution-log' });

/** A day that tries the layout: a traceback, a 5,000-character word, hostile markup, many processes. */
const burstDay = () =>
  renderEmail(
    buildReport({
      window: day,
      source: 'summary',
      sourceNote: 'Every write of the day was captured.',
      completeness: COMPLETE,
      unreadable: 0,
      entries: [
        entry(1, 'etl-orders', TRACEBACK),
        entry(2, 'backup-nightly', `upload failed: ${LONG_WORD}`),
        entry(3, HOSTILE_PROCESS, '<script>alert(1)</script> "quoted" & done'),
        ...Array.from({ length: 40 }, (_, i) => entry(10 + i, `job-${i}`, `exit code ${i}`)),
      ],
    }),
  );

let browser: EmailBrowser;
beforeAll(async () => {
  browser = await startEmailBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe.each([390, 1280])('the digest HTML in headless Chromium at %i px', (width) => {
  it('has no horizontal overflow, even with a 5,000-character word', async () => {
    const page = await browser.open(burstDay().html, width);
    // Evaluated in the page: the page's document, not this process's.
    const { scroll, inner } = await page.evaluate<{ scroll: number; inner: number }>('({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })');
    expect(scroll).toBeLessThanOrEqual(inner);
    await page.close();
  });

  it('gives every message most of the width, never a narrow column beside the others', async () => {
    const page = await browser.open(burstDay().html, width);
    const widths = await page.evaluate<number[]>("[...document.querySelectorAll('pre')].map((e) => e.getBoundingClientRect().width)");
    expect(widths).toHaveLength(43);
    // 390 px less the body's padding on a phone; the 760 px column on a wide screen.
    for (const w of widths) expect(w).toBeGreaterThanOrEqual(Math.min(width, 784) - 40);
    await page.close();
  });

  it('shows the headline in the first screen', async () => {
    const page = await browser.open(burstDay().html, width);
    const box = await page.locator('h2').first().boundingBox();
    expect(box).not.toBeNull();
    expect(box!.y + box!.height).toBeLessThanOrEqual(800);
    await page.close();
  });

  it('shows hostile text as text: no element, no script, the characters as written', async () => {
    const page = await browser.open(burstDay().html, width);
    expect(await page.locator('img, script, iframe, a[href^="javascript"]').count()).toBe(0);
    const text = await page.locator('body').innerText();
    expect(text).toContain(HOSTILE_PROCESS);
    expect(text).toContain('<script>alert(1)</script> "quoted" & done');
    await page.close();
  });
});
