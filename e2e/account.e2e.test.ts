import { join } from 'node:path';
import { addUser } from '@app/auth';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '@app/api/testing/vitest';
import { screenshots, startBrowserApp } from './support/browser-app';
import { launchChromium, openPage, unexpected } from './support/chromium';
import { sentToSignIn, signInThrough } from './support/sign-in-page';

const firefoxOnWindows = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
const chromeOnMac = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

let app: TestApp;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  // People here sign in several times a minute; the limits have tests of their own.
  ({ app, origin } = await startBrowserApp({
    APP_NAME: 'Northwind',
    AUTH_RESEND_COOLDOWN_SECONDS: '0',
    AUTH_LIMIT_CODES_PER_EMAIL: '1000/1h',
    AUTH_LIMIT_CODES_PER_MAILBOX: '1000/1h',
  }));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

function newPage(options: BrowserContextOptions = {}) {
  return openPage(browser, { timezoneId: 'Europe/Berlin', locale: 'en-GB', userAgent: chromeOnMac, ...options });
}

const signInAt = (page: Page, path: string, email: string, landing = path) => signInThrough(app, origin, page, path, email, landing);

function header(page: Page) {
  return page.getByRole('banner');
}

function status(page: Page, text: string | RegExp) {
  return page.locator('[aria-live]').getByText(text);
}

const story = { timeout: 90_000 };

describe('changing one’s email, in Chromium', story, () => {
  it('asks for a code at the new address, confirms it, and shows the new address; other browsers are signed out', async () => {
    await addUser(app.db, 'ada@example.com', 'user', new Date());
    const other = await newPage({ userAgent: firefoxOnWindows });
    await signInAt(other.page, '/dashboard', 'ada@example.com');
    const { page, problems } = await newPage();
    await signInAt(page, '/account', 'ada@example.com');

    await page.getByRole('heading', { name: 'Account', level: 1 }).waitFor();
    const sessions = page.getByRole('region', { name: 'Your sessions' });
    await expect.poll(() => sessions.getByRole('listitem').count()).toBe(2);
    expect(await header(page).getByText('ada@example.com').isVisible()).toBe(true);
    await page.screenshot({ path: join(screenshots, 'account.png'), fullPage: true });

    await page.getByRole('button', { name: 'Change email' }).click();
    const field = page.getByLabel('New email address');
    await expect.poll(() => field.evaluate((el) => el === document.activeElement)).toBe(true);
    // Its own address first: refused in words, nothing sent.
    await field.fill('ADA@example.com');
    await page.getByRole('button', { name: 'Send code' }).click();
    await status(page, 'That’s already your email address. Enter the new one.').waitFor();

    const before = app.postmark.messages.length;
    await field.fill('ada.lovelace@example.com');
    await page.keyboard.press('Enter');
    await page.getByLabel('Code', { exact: true }).waitFor();
    const code = await app.postmark.waitForCode('ada.lovelace@example.com', before, 15_000);
    await status(page, 'We sent a 6-digit code to ada.lovelace@example.com. It is valid for 15 minutes.').waitFor();
    await page.screenshot({ path: join(screenshots, 'account-change-code.png'), fullPage: true });
    await page.getByLabel('Code', { exact: true }).fill(code);
    await page.getByRole('button', { name: 'Verify code' }).click();

    await status(page, /^Your email address is now ada\.lovelace@example\.com\./).waitFor();
    await header(page).getByText('ada.lovelace@example.com').waitFor();
    expect(await page.getByRole('definition').first().innerText()).toBe('ada.lovelace@example.com');
    // The other browser's session ended, and the list says so without a reload.
    await expect.poll(() => sessions.getByRole('listitem').count()).toBe(1);
    await page.screenshot({ path: join(screenshots, 'account-changed.png'), fullPage: true });

    await other.page.reload();
    await sentToSignIn(other.page, '/dashboard');
    const notice = await app.postmark.waitForMessage((m) => m.To === 'ada@example.com' && m.Tag === 'email_changed');
    expect(notice.TextBody).toContain('Device: Chrome 120 on macOS');

    // The dashboard keeps what it showed, with the new address, and leads to the account page.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
    await page.waitForURL(`${origin}/dashboard`);
    expect(await page.getByRole('definition').first().innerText()).toBe('ada.lovelace@example.com');
    await page.screenshot({ path: join(screenshots, 'dashboard-shell.png'), fullPage: true });
    await page.getByRole('link', { name: /Your account/ }).click();
    await page.waitForURL(`${origin}/account`);

    // Signed out and in again, with the new address.
    await header(page).getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    await signInAt(page, '/account', 'ada.lovelace@example.com');
    expect(unexpected(problems)).toEqual([]);
    expect(unexpected(other.problems)).toEqual([]);
    await other.page.context().close();
    await page.context().close();
  });
});

describe('the shell around every page, in Chromium', story, () => {
  it('shows the app’s name, the pages, who is signed in and Sign out; Users and Audit for admins only', async () => {
    await addUser(app.db, 'member@example.com', 'user', new Date());
    await addUser(app.db, 'chief@example.com', 'admin', new Date());
    const member = await newPage();
    await signInAt(member.page, '/dashboard', 'member@example.com');
    const nav = member.page.getByRole('navigation', { name: 'Main' });
    await header(member.page).getByText('Northwind').waitFor();
    expect(await nav.getByRole('link').allInnerTexts()).toEqual(['Dashboard', 'Account']);
    expect(await nav.getByRole('link', { name: 'Dashboard' }).getAttribute('aria-current')).toBe('page');
    expect(await header(member.page).getByText('member@example.com').isVisible()).toBe(true);
    await header(member.page).screenshot({ path: join(screenshots, 'header-user.png') });

    // With the keyboard, from the top of a fresh page: the skip link first, then the pages.
    await member.page.reload();
    await header(member.page).getByText('Northwind').waitFor();
    await member.page.keyboard.press('Tab');
    expect(await member.page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await member.page.keyboard.press('Tab');
    await member.page.keyboard.press('Tab');
    await member.page.keyboard.press('Enter');
    await member.page.waitForURL(`${origin}/account`);
    expect(await nav.getByRole('link', { name: 'Account' }).getAttribute('aria-current')).toBe('page');
    expect(await nav.getByRole('link', { name: 'Dashboard' }).getAttribute('aria-current')).toBeNull();

    const chief = await newPage();
    await signInAt(chief.page, '/admin/audit', 'chief@example.com');
    const adminNav = chief.page.getByRole('navigation', { name: 'Main' });
    expect(await adminNav.getByRole('link').allInnerTexts()).toEqual(['Dashboard', 'Account', 'Users', 'Audit']);
    expect(await adminNav.getByRole('link', { name: 'Audit' }).getAttribute('aria-current')).toBe('page');
    await header(chief.page).getByText('Northwind').waitFor();
    await header(chief.page).screenshot({ path: join(screenshots, 'header-admin.png') });

    await header(chief.page).getByRole('button', { name: 'Sign out' }).click();
    await chief.page.waitForURL(/\/sign-in/);
    expect(await chief.page.getByRole('banner').count()).toBe(0);
    for (const { page, problems } of [member, chief]) {
      expect(unexpected(problems)).toEqual([]);
      await page.context().close();
    }
  });
});

describe('an admin correcting an address, in Chromium', story, () => {
  it('changes it from the users table, refuses one in use, and the audit log names the devices', async () => {
    await addUser(app.db, 'boss@example.com', 'admin', new Date());
    await addUser(app.db, 'sam@example.com', 'user', new Date());
    await addUser(app.db, 'taken@example.com', 'user', new Date());
    const sam = await newPage({ userAgent: firefoxOnWindows });
    await signInAt(sam.page, '/dashboard', 'sam@example.com');
    const { page, problems } = await newPage();
    await signInAt(page, '/admin/users', 'boss@example.com');

    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'sam@example.com' }) });
    await row.getByRole('button', { name: 'Change email of sam@example.com' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change the email of sam@example.com' });
    const field = dialog.getByLabel('New email address');
    await expect.poll(() => field.evaluate((el) => el === document.activeElement)).toBe(true);
    await field.fill('taken@example.com');
    await dialog.getByRole('button', { name: 'Change email' }).click();
    await dialog.getByText('A user with this email already exists.').waitFor();
    await page.screenshot({ path: join(screenshots, 'admin-change-email.png') });

    await field.fill('sam.fixed@example.com');
    await page.keyboard.press('Enter');
    await status(page, 'Changed sam@example.com to sam.fixed@example.com. They were signed out everywhere, and both addresses were emailed.').waitFor();
    expect(await dialog.isVisible()).toBe(false);
    await page.getByRole('rowheader', { name: 'sam.fixed@example.com' }).waitFor();
    await sam.page.reload();
    await sentToSignIn(sam.page, '/dashboard');
    await app.postmark.waitForMessage((m) => m.To === 'sam.fixed@example.com' && m.Tag === 'email_set_by_admin');

    await page.goto(`${origin}/admin/audit`);
    const table = page.getByRole('table');
    const changed = table.getByRole('row').filter({ hasText: 'Email changed' });
    await changed.first().waitFor();
    expect(await changed.first().getByRole('listitem').allInnerTexts()).toEqual(['by: admin', 'from: sam@example.com', 'sessions revoked: 1', 'to: sam.fixed@example.com']);
    // Devices as the sessions list names them; the raw header behind a disclosure.
    const samSignIn = table.getByRole('row').filter({ hasText: 'Signed in' }).filter({ hasText: 'sam@example.com' });
    const device = samSignIn.getByRole('group');
    expect(await device.locator('summary').innerText()).toMatch(/^Firefox 128 on Windows\b/);
    expect(await device.getByText(firefoxOnWindows).isVisible()).toBe(false);
    await device.locator('summary').focus();
    await page.keyboard.press('Enter');
    expect(await device.getByText(firefoxOnWindows).isVisible()).toBe(true);
    await page.screenshot({ path: join(screenshots, 'audit-devices.png'), fullPage: true });
    expect(unexpected(problems)).toEqual([]);
    expect(unexpected(sam.problems)).toEqual([]);
    await sam.page.context().close();
    await page.context().close();
  });
});
