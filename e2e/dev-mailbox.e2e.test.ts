import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger, freePort, loadConfig, openProcessDatabase, type ProcessDatabase, type RunningServer, startServer } from '@app/api/testing';
import { screenshots, webDist } from './support/browser-app';
import { launchChromium } from './support/chromium';

const quiet = createLogger({ level: 'silent' });
let server: RunningServer;
let browser: Browser;
let origin: string;
let database: ProcessDatabase;

// Development without Postmark: the code is read from the dev mailbox page, as a developer would.
beforeAll(async () => {
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  // A copy of the migrated test database: creating one from nothing (PGlite's initdb) takes most of
  // a minute on a busy 2-core machine, and the database is not what this test is about.
  database = await openProcessDatabase(inject('testDatabaseTemplate'), 'e2e-dev');
  const config = loadConfig({
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    APP_URL: origin,
    // Where the development secret is kept (on PGlite, the copy's files replace it).
    DATA_DIR: mkdtempSync(join(tmpdir(), 'e2e-dev-')),
    ...database.env,
    WEB_DIST_DIR: webDist,
    // The admin signs in twice within a minute (the second time from another device).
    AUTH_RESEND_COOLDOWN_SECONDS: '0',
  });
  server = await startServer(config, quiet, { deliveryIntervalMs: 50 });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await database?.close();
});

/**
 * Signs the first admin in on a new page of `context`, reading the code from the dev mailbox in a
 * second page, which is returned (`screenshot`: taken of the mailbox showing the code).
 */
async function signInWithMailbox(context: BrowserContext, screenshot?: string): Promise<{ page: Page; mailbox: Page }> {
  const page = await context.newPage();
  await page.goto(`${origin}/sign-in`);
  await page.getByLabel('Email').fill('admin@example.com');
  await page.getByRole('button', { name: 'Sign In with Email' }).click();
  await page.getByLabel('Code').waitFor();

  const mailbox = await context.newPage();
  await mailbox.goto(`${origin}/dev/mailbox`);
  const body = mailbox.locator('pre').filter({ hasText: 'Your sign-in code' }).first();
  await body.waitFor();
  if (screenshot) await mailbox.screenshot({ path: join(screenshots, screenshot) });
  const code = /^(\d{6})$/m.exec(await body.innerText())?.[1];
  expect(code).toMatch(/^\d{6}$/);
  expect(await mailbox.getByText('Your sign-in code for Acme').first().isVisible()).toBe(true);

  await page.getByLabel('Code').fill(code!);
  await page.getByRole('button', { name: 'Verify code' }).click();
  await page.waitForURL(`${origin}/dashboard`);
  return { page, mailbox };
}

describe('the dev mailbox', () => {
  it('shows the printed code, which signs the first admin in', async () => {
    const context = await browser.newContext({ timezoneId: 'America/Sao_Paulo' });
    const { page } = await signInWithMailbox(context, 'dev-mailbox.png');
    await expect.poll(() => page.getByText('America/Sao_Paulo').isVisible()).toBe(true);
    await context.close();
  });

  it('shows the new-sign-in notice after a sign-in from another device, like any other email', async () => {
    const other = await browser.newContext({
      timezoneId: 'America/Sao_Paulo',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
    });
    const { mailbox } = await signInWithMailbox(other);

    // The mailbox page lists what arrived when it loaded: reload until the notice is there.
    await expect
      .poll(async () => {
        await mailbox.reload();
        return mailbox.getByText('New sign-in to Acme').count();
      }, { timeout: 10_000 })
      .toBe(1);
    const notice = mailbox.locator('pre').filter({ hasText: 'Device: Firefox 128 on Linux' });
    expect(await notice.innerText()).toMatch(/Time: \w+day, \d{1,2} \w+ \d{4} at \d{2}:\d{2} \(America\/Sao_Paulo\)/);
    await mailbox.screenshot({ path: join(screenshots, 'dev-mailbox-new-sign-in.png'), fullPage: true });
    await other.close();
  });
});
