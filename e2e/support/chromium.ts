import { type Browser, type BrowserContextOptions, chromium, type ConsoleMessage, type Page } from 'playwright-core';
import { findChromium } from '../../scripts/find-chromium.mjs';

/**
 * The Chromium `pnpm test` found (scripts/find-chromium.mjs), headless, with nothing that reaches
 * beyond loopback. Playwright gives every launch a fresh temporary profile (user-data-dir) and
 * removes it on close.
 */
export function launchChromium(): Promise<Browser> {
  const { path, where } = findChromium();
  if (!path) throw new Error(`No Chromium found (looked at ${where.join(', ')}); run node scripts/ensure-chromium.mjs for how to install one.`);
  return chromium.launch({
    executablePath: path,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A page in a fresh browser profile (its own cookies), with the console errors, warnings and
 * uncaught exceptions it shows collected in `problems`. A step that cannot happen fails at that
 * step after 10 s, not at the test's timeout.
 */
export async function openPage(browser: Browser, options: BrowserContextOptions): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  return { page, problems };
}

/** The problems other than the browser's own log line for a refused (4xx) request. */
export function unexpected(problems: string[]): string[] {
  return problems.filter((p) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(p));
}
