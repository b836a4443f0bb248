import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FailureEntry } from '../../shared/capture/entry.ts';
import { renderEmail, TOP_GROUPS } from '../../shared/digest/render.ts';
import { dayWindow } from '../../shared/time/report-day.ts';
import { startEmailBrowser, type EmailBrowser } from '../support/browser.ts';
import { historyOf, reportOf } from '../support/reports.ts';
import { failureEntry } from '../support/failure-entry.ts';

const DATE = '2026-11-30';
const TZ = 'Europe/Paris';
const day = dayWindow(DATE, TZ);
const DAY_MS = 86_400_000;
const HOSTILE_PROCESS = '<img src=x onerror=alert(1)>';
const LONG_WORD = 'A'.repeat(5_000);
const LONG_PROCESS = `job-${'Z'.repeat(400)}`;
const TRACEBACK = [
  'Traceback (most recent call last):',
  '  File "/srv/etl/load.py", line 42, in load',
  '    rows = fetch(conn)',
  '  File "/srv/etl/db.py", line 17, in fetch',
  '    raise TimeoutError(f"Connection to {host}:5432 timed out after 3000 ms")',
  'TimeoutError: Connection to 10.0.0.7:5432 timed out after 3000 ms',
].join('\n');

const entry = (i: number, process: string, message: string, daysBefore = 0): FailureEntry =>
  failureEntry({ pk: `${process}#run-${i}`, process, event_ts: day.start_ms - daysBefore * DAY_MS + 3_600_000 + i * 60_000, message, source: 'execution-log' });

const jobs = (daysBefore: number) => [...Array.from({ length: 40 }, (_, i) => entry(10 + i, `job-${i}`, `exit code ${i}`, daysBefore)), entry(60, LONG_PROCESS, 'exit code 1', daysBefore)];

/**
 * A day that tries the layout: a traceback, a 5,000-character word, hostile
 * markup, many processes, a long name below the groups; and a week before it,
 * so the hostile group is new, the backup back, and each group has its bars.
 */
const burstDay = () =>
  renderEmail(
    reportOf(
      day,
      [
        ...Array.from({ length: 5 }, (_, i) => entry(1 + i * 100, 'etl-orders', TRACEBACK)),
        entry(2, 'backup-nightly', `upload failed: ${LONG_WORD}`),
        entry(3, HOSTILE_PROCESS, '<script>alert(1)</script> "quoted" & done'),
        ...jobs(0),
      ],
      {
        sourceNote: 'Every write of the day was captured.',
        history: historyOf(
          day,
          Array.from({ length: 7 }, (_, d) => [entry(1, 'etl-orders', TRACEBACK, 7 - d), ...(d === 2 ? [entry(2, 'backup-nightly', `upload failed: ${LONG_WORD}`, 7 - d)] : []), ...jobs(7 - d)]),
        ),
      },
    ),
    { fileName: `failures-${DATE}.csv`, rows: 48 },
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
    expect(widths).toHaveLength(TOP_GROUPS);
    // 390 px less the body's padding on a phone; the 760 px column on a wide screen.
    for (const w of widths) expect(w).toBeGreaterThanOrEqual(Math.min(width, 784) - 40);
    await page.close();
  });

  it('shows the headline and the verdict in the first screen', async () => {
    const page = await browser.open(burstDay().html, width);
    for (const box of [await page.locator('h2').first().boundingBox(), await page.getByText(/^48 failures in 44 processes; 1 new error; 1 back; /).boundingBox()]) {
      expect(box).not.toBeNull();
      expect(box!.y + box!.height).toBeLessThanOrEqual(800);
      expect(box!.x + box!.width).toBeLessThanOrEqual(width);
    }
    await page.close();
  });

  it('draws a trend of 8 bars for each group shown, today the last, inside the page', async () => {
    const page = await browser.open(burstDay().html, width);
    const bars = await page.evaluate<{ cells: number; right: number; heights: number[] }[]>(
      `[...document.querySelectorAll('td > table')].map((t) => {
        const cells = [...t.querySelectorAll('td')].slice(0, 8);
        return { cells: cells.length, right: t.getBoundingClientRect().right, heights: cells.map((c) => c.firstElementChild.getBoundingClientRect().height) };
      })`,
    );
    expect(bars).toHaveLength(TOP_GROUPS);
    for (const b of bars) {
      expect(b.cells).toBe(8);
      expect(b.right).toBeLessThanOrEqual(width);
    }
    // etl-orders: once a day, five times today: today's bar is the tallest.
    const etl = bars[0]!;
    expect(etl.heights[7]).toBeGreaterThan(etl.heights[0]!);
    expect(new Set(etl.heights.slice(0, 7)).size).toBe(1);
    await page.close();
  });

  it('shows the new and back marks as text beside their groups', async () => {
    const page = await browser.open(burstDay().html, width);
    const marks = await page.evaluate<{ text: string; next: string; right: number }[]>(
      "[...document.querySelectorAll('span')].map((s) => ({ text: s.innerText, next: s.nextElementSibling.innerText, right: s.getBoundingClientRect().right }))",
    );
    expect(marks.map((m) => [m.text, m.next])).toEqual([
      ['NEW', HOSTILE_PROCESS],
      ['BACK', 'backup-nightly'],
    ]);
    for (const m of marks) expect(m.right).toBeLessThanOrEqual(width);
    await page.close();
  });

  it('lists the processes below the groups, a long name wrapped inside the page', async () => {
    const page = await browser.open(burstDay().html, width);
    const text = await page.locator('body').innerText();
    expect(text).toContain('Other failures, by process:');
    const cell = page.getByText(LONG_PROCESS, { exact: true });
    const box = await cell.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x + box!.width).toBeLessThanOrEqual(width);
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
