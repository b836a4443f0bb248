import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, which `.ci/run` installs; no browser is downloaded. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

// Without the background-networking flags Chromium keeps reaching for Google's hosts, which this machine refuses.
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface EmailBrowser {
  /** A page of `width` CSS pixels (a phone is 390) showing `html` as a mail client would: no scripts, no network. */
  open(html: string, width: number): Promise<Page>;
  close(): Promise<void>;
}

/** Headless Chromium; Playwright gives it a fresh profile in the temp dir and removes it on close. */
export async function startEmailBrowser(): Promise<EmailBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
  return {
    async open(html, width) {
      const page = await context.newPage();
      await page.setViewportSize({ width, height: 800 });
      await page.setContent(html, { waitUntil: 'load' });
      return page;
    },
    async close() {
      await browser.close();
    },
  };
}
