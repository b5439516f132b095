import { join } from 'node:path';
import { addUser } from '@app/auth';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '@app/api/testing/vitest';
import { screenshots, startBrowserApp } from './support/browser-app';
import { launchChromium, openPage, unexpected } from './support/chromium';
import { sentToSignIn, signInOnPage, signInThrough } from './support/sign-in-page';


// Distinct browsers, so the sessions list can tell the devices apart.
const firefoxOnWindows = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
const safariOnIphone =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

let app: TestApp;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  // People here sign in several times a minute; the limits have tests of their own.
  ({ app, origin } = await startBrowserApp({ AUTH_RESEND_COOLDOWN_SECONDS: '0', AUTH_LIMIT_CODES_PER_EMAIL: '1000/1h', AUTH_LIMIT_CODES_PER_MAILBOX: '1000/1h' }));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** A fresh browser profile, in Berlin unless told otherwise. */
function newPage(options: BrowserContextOptions = {}) {
  return openPage(browser, { timezoneId: 'Europe/Berlin', locale: 'en-GB', ...options });
}

const signInAt = (page: Page, path: string, email: string, landing = path) => signInThrough(app, origin, page, path, email, landing);

/** The users table row of `email` (not the sessions row under it). */
function userRow(page: Page, email: string) {
  return page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: email }) });
}

/** Picks a role in the user's row and saves it. */
async function changeRole(page: Page, email: string, role: 'admin' | 'user'): Promise<void> {
  await page.getByLabel(`Role of ${email}`).selectOption(role);
  await page.getByRole('button', { name: `Save role of ${email}` }).click();
}

function notice(page: Page, text: string | RegExp) {
  return page.locator('[aria-live]').getByText(text);
}

// Every story signs several people in through the browser (up to five sign-ins), which takes
// longer than the default 30 s on a busy two-core machine.
const story = { timeout: 90_000 };

describe('admin pages, in Chromium', story, () => {
  it('invites a user; promoting, demoting and deactivating them is enforced at their next request', async () => {
    await addUser(app.db, 'boss@example.com', 'admin', new Date());
    const { page, problems } = await newPage();
    await signInAt(page, '/admin/users', 'boss@example.com');

    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const link of ['Dashboard', 'Users', 'Audit']) expect(await nav.getByRole('link', { name: link }).isVisible()).toBe(true);
    expect(await nav.getByRole('link', { name: 'Users' }).getAttribute('aria-current')).toBe('page');
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();

    // Signed in, the boss is the only active admin (the bootstrap admin never signed in), so they
    // cannot demote themselves. With the keyboard: arrowing through the roles changes nothing until
    // Save; refused, the select goes back to the role they still have.
    const ownRole = page.getByLabel('Role of boss@example.com');
    await ownRole.focus();
    await page.keyboard.press('ArrowDown');
    expect(await ownRole.inputValue()).toBe('user');
    await page.keyboard.press('Tab');
    const save = page.getByRole('button', { name: 'Save role of boss@example.com' });
    expect(await save.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.screenshot({ path: join(screenshots, 'admin-users-role-pending.png') });
    await page.keyboard.press('Enter');
    await page.getByRole('alert').getByText('You can’t demote, deactivate or remove the last active admin.').waitFor();
    expect(await ownRole.inputValue()).toBe('admin');
    expect(await save.count()).toBe(0);

    // Invite through the form.
    const invite = page.getByRole('form', { name: 'Invite someone' });
    await invite.getByLabel('Email', { exact: true }).fill('newbie@example.com');
    await invite.getByLabel('Role').selectOption('user');
    expect(await invite.getByLabel('Send invitation email').isChecked()).toBe(true);
    await invite.getByRole('button', { name: 'Invite' }).click();
    await notice(page, 'Invited newbie@example.com as a user and emailed them an invitation.').waitFor();
    expect(await invite.getByLabel('Email', { exact: true }).inputValue()).toBe('');
    const invitation = await app.postmark.waitForMessage((m) => m.To === 'newbie@example.com', 15_000);
    expect(invitation.Subject).toBe('You have been invited to Acme');
    const newbieRow = userRow(page, 'newbie@example.com');
    await expect.poll(() => newbieRow.innerText()).toMatch(/Invited[\s\S]*Never[\s\S]*0 sessions/);

    // A second invitation for the same address is refused in words.
    await invite.getByLabel('Email', { exact: true }).fill('newbie@example.com');
    await invite.getByRole('button', { name: 'Invite' }).click();
    const taken = page.getByRole('alert').getByText('A user with this email already exists.');
    await taken.waitFor();
    // Editing the address takes the error about the old one away.
    await invite.getByLabel('Email', { exact: true }).fill('');
    await taken.waitFor({ state: 'detached' });

    // The newbie signs in, in a browser of their own.
    const newbie = await newPage({ timezoneId: 'America/New_York', userAgent: firefoxOnWindows });
    await signInAt(newbie.page, '/dashboard', 'newbie@example.com');
    expect(await newbie.page.getByRole('link', { name: 'Users' }).count()).toBe(0);

    // The admin finds them by search: active now, with one session they can look at.
    await page.getByRole('search', { name: 'Find users' }).getByLabel('Search').fill('newb');
    await expect.poll(() => page.getByRole('rowheader').allInnerTexts()).toEqual(['newbie@example.com']);
    // The refusal from before was about other rows: searching took it away.
    expect(await page.getByText('You can’t demote, deactivate or remove the last active admin.').count()).toBe(0);
    await expect.poll(() => newbieRow.innerText()).toMatch(/Active[\s\S]*America\/New_York[\s\S]*1 session/);
    await page.getByRole('button', { name: '1 session of newbie@example.com' }).click();
    await page.getByText('Firefox 128 on Windows').waitFor();
    expect(await page.getByRole('button', { name: '1 session of newbie@example.com' }).getAttribute('aria-expanded')).toBe('true');
    await page.screenshot({ path: join(screenshots, 'admin-users.png'), fullPage: true });

    // Promoted: their session ends; signed in again, they see the admin pages.
    await changeRole(page, 'newbie@example.com', 'admin');
    await notice(page, 'newbie@example.com is now an admin.').waitFor();
    await newbie.page.reload();
    await sentToSignIn(newbie.page, '/dashboard');
    await signInOnPage(app, newbie.page, 'newbie@example.com');
    await newbie.page.waitForURL(`${origin}/dashboard`);
    await newbie.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await newbie.page.waitForURL(`${origin}/admin/users`);
    await newbie.page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();

    // Demoted while that page is open: its next request is refused and sends them to sign in.
    await changeRole(page, 'newbie@example.com', 'user');
    await notice(page, 'newbie@example.com is now a user.').waitFor();
    await newbie.page.getByRole('search', { name: 'Find users' }).getByLabel('Search').fill('anyone');
    await sentToSignIn(newbie.page, '/admin/users');
    // Back as a plain user, the page they were on is no longer theirs.
    await signInOnPage(app, newbie.page, 'newbie@example.com');
    await newbie.page.waitForURL(`${origin}/no-access`);

    // Deactivated: signed out at the next request, and no way back in.
    await newbieRow.getByRole('button', { name: 'Deactivate newbie@example.com' }).click();
    await notice(page, /^Deactivated newbie@example\.com\./).waitFor();
    await expect.poll(() => newbieRow.innerText()).toMatch(/Deactivated[\s\S]*0 sessions/);
    await newbie.page.goto(`${origin}/dashboard`);
    await sentToSignIn(newbie.page, '/dashboard');
    await newbie.page.getByLabel('Email', { exact: true }).fill('newbie@example.com');
    await newbie.page.getByRole('button', { name: 'Sign In with Email' }).click();
    await newbie.page.getByRole('alert').getByText(/not registered/).waitFor();
    expect(await newbie.page.getByLabel('Code', { exact: true }).count()).toBe(0);

    // Reactivated, they could sign in again.
    await newbieRow.getByRole('button', { name: 'Reactivate newbie@example.com' }).click();
    await notice(page, 'Reactivated newbie@example.com. They can sign in again.').waitFor();
    await expect.poll(() => newbieRow.innerText()).toMatch(/Active/);

    expect(unexpected(problems)).toEqual([]);
    expect(unexpected(newbie.problems)).toEqual([]);
    await page.context().close();
    await newbie.page.context().close();
  });

  it('revokes a user’s sessions, and removes a user only after a confirmation', async () => {
    await addUser(app.db, 'chief@example.com', 'admin', new Date());
    await addUser(app.db, 'leaver@example.com', 'user', new Date());
    const leaver = await newPage({ userAgent: safariOnIphone });
    await signInAt(leaver.page, '/dashboard', 'leaver@example.com');
    const { page, problems } = await newPage();
    await signInAt(page, '/admin/users', 'chief@example.com');

    const row = userRow(page, 'leaver@example.com');
    await expect.poll(() => row.innerText()).toMatch(/1 session/);
    await row.getByRole('button', { name: 'Revoke sessions of leaver@example.com' }).click();
    await notice(page, 'Signed leaver@example.com out of 1 session.').waitFor();
    expect(await row.getByRole('button', { name: 'Revoke sessions of leaver@example.com' }).isDisabled()).toBe(true);
    await leaver.page.reload();
    await sentToSignIn(leaver.page, '/dashboard');

    // The dialog starts on Cancel; Escape backs out and keeps the user.
    const remove = row.getByRole('button', { name: 'Remove leaver@example.com' });
    await remove.click();
    const dialog = page.getByRole('dialog', { name: 'Remove leaver@example.com?' });
    await dialog.waitFor();
    expect(await dialog.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement)).toBe(true);
    await page.screenshot({ path: join(screenshots, 'admin-remove-dialog.png') });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await remove.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await row.count()).toBe(1);

    // Confirmed with the keyboard: gone from the table, and from the API.
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await notice(page, 'Removed leaver@example.com.').waitFor();
    expect(await row.count()).toBe(0);
    await page.reload();
    await page.getByRole('rowheader', { name: 'chief@example.com' }).waitFor();
    expect(await userRow(page, 'leaver@example.com').count()).toBe(0);

    expect(unexpected(problems)).toEqual([]);
    await page.context().close();
    await leaver.page.context().close();
  });

  it('pages through a long search result with Load more, and filters within it', async () => {
    for (let i = 1; i <= 30; i++) await addUser(app.db, `bulk-${String(i).padStart(2, '0')}@example.com`, 'user', new Date());
    await addUser(app.db, 'pager@example.com', 'admin', new Date());
    const { page, problems } = await newPage();
    await signInAt(page, '/admin/users', 'pager@example.com');

    const filters = page.getByRole('search', { name: 'Find users' });
    const shown = () => page.getByRole('rowheader').allInnerTexts();
    // Everyone shows first, newest first; the search runs once typing pauses, and until then the
    // page still shows everyone.
    await page.getByRole('rowheader', { name: 'pager@example.com' }).waitFor();
    await filters.getByLabel('Search').fill('BULK-');
    const onlyBulk = async () => {
      const emails = await shown();
      return emails.length > 0 && emails.every((email) => email.startsWith('bulk-'));
    };
    await expect.poll(onlyBulk).toBe(true);
    expect(await shown()).toHaveLength(25);
    expect(await page.getByText('Showing the first 25 users.').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.getByText('Showing 30 users.').waitFor();
    const emails = await shown();
    expect(new Set(emails).size).toBe(30);
    expect(emails.every((email) => email.startsWith('bulk-'))).toBe(true);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);

    await filters.getByLabel('Status').selectOption('active');
    await page.getByText('No users match these filters.').waitFor();
    await filters.getByLabel('Status').selectOption('invited');
    await filters.getByLabel('Role').selectOption('user');
    await page.getByText('Showing the first 25 users.').waitFor();
    expect(unexpected(problems)).toEqual([]);
    await page.context().close();
  });

  it('sends a signed-in non-admin to /no-access, with a way back; the API refuses them too', async () => {
    await addUser(app.db, 'member@example.com', 'user', new Date());
    const { page, problems } = await newPage();
    await signInAt(page, '/admin/users', 'member@example.com', '/no-access');

    await page.getByRole('heading', { name: 'You don’t have access to this page' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'Dashboard' }).isVisible()).toBe(true);
    expect(await nav.getByRole('link', { name: 'Users' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Audit' }).count()).toBe(0);
    await page.screenshot({ path: join(screenshots, 'no-access.png'), fullPage: true });

    await page.getByRole('link', { name: 'Back to the dashboard' }).click();
    await page.waitForURL(`${origin}/dashboard`);
    await page.goto(`${origin}/admin/audit?type=role_changed`);
    await page.waitForURL(`${origin}/no-access`);

    // The guard is only a convenience: the API itself says no.
    const reply = await page.evaluate(async () => {
      const response = await fetch('/trpc/admin.users.list');
      return { status: response.status, body: await response.json() };
    });
    expect(reply.status).toBe(403);
    expect(reply.body.error.data.reason).toBe('forbidden');
    expect(unexpected(problems)).toEqual([]);
    await page.context().close();
  });

  it('lists the invite and the role change in the audit log, filterable by user and type', async () => {
    await addUser(app.db, 'auditor@example.com', 'admin', new Date());
    const { page, problems } = await newPage({ timezoneId: 'Asia/Tokyo' });
    await signInAt(page, '/admin/users', 'auditor@example.com');

    const invite = page.getByRole('form', { name: 'Invite someone' });
    await invite.getByLabel('Email', { exact: true }).fill('watched@example.com');
    await invite.getByLabel('Send invitation email').uncheck();
    await invite.getByRole('button', { name: 'Invite' }).click();
    await notice(page, /Invited watched@example\.com as a user\. No email was sent/).waitFor();
    await changeRole(page, 'watched@example.com', 'admin');
    await notice(page, 'watched@example.com is now an admin.').waitFor();

    await page.getByRole('link', { name: 'Audit log of watched@example.com' }).click();
    await page.waitForURL(/\/admin\/audit\?userId=[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    await page.getByText('User: watched@example.com').waitFor();
    const rows = page.getByRole('table').getByRole('row');
    await expect.poll(() => rows.count()).toBe(3);
    const [changed, invited] = [rows.nth(1), rows.nth(2)];
    // Time, event, actor, subject, IP, device, then the details.
    expect(await changed.innerText()).toMatch(/Role changed\s+auditor@example\.com\s+watched@example\.com\s+127\.0\.0\.1/);
    expect(await changed.getByRole('listitem').allInnerTexts()).toEqual(['from: user', 'sessions revoked: 0', 'to: admin']);
    expect(await invited.innerText()).toMatch(/User invited\s+auditor@example\.com\s+watched@example\.com/);
    expect(await invited.getByRole('listitem').allInnerTexts()).toEqual(['email sent: false', 'role: user']);
    // Shown in the viewer's zone (Tokyo here), to the second.
    expect(await changed.locator('time').innerText()).toMatch(/^\d{1,2} \w{3,4} \d{4}, \d{2}:\d{2}:\d{2}$/);
    await page.screenshot({ path: join(screenshots, 'admin-audit.png'), fullPage: true });

    await page.getByLabel('Event').selectOption('user_invited');
    await page.waitForURL(/type=user_invited/);
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(1).innerText()).toMatch(/^[\s\S]*User invited/);

    await page.getByRole('button', { name: 'Show all users' }).click();
    await page.waitForURL(`${origin}/admin/audit?type=user_invited`);
    // Every invite so far, by every admin in this file.
    await expect.poll(() => page.getByText('watched@example.com').count()).toBeGreaterThan(0);
    await page.getByLabel('Event').selectOption('');
    await page.waitForURL(`${origin}/admin/audit`);
    await expect.poll(() => page.getByRole('cell', { name: 'Signed in' }).count()).toBeGreaterThan(0);

    // Narrow screens scroll the table sideways instead of squeezing it.
    await page.setViewportSize({ width: 390, height: 844 });
    const scroller = page.getByRole('region', { name: 'Audit log, newest first' });
    expect(await scroller.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    await page.screenshot({ path: join(screenshots, 'admin-audit-narrow.png') });
    await page.goto(`${origin}/admin/users`);
    await page.getByRole('rowheader', { name: 'auditor@example.com' }).waitFor();
    await page.screenshot({ path: join(screenshots, 'admin-users-narrow.png'), fullPage: true });

    expect(unexpected(problems)).toEqual([]);
    await page.context().close();
  });
});

describe('your sessions on the account page, in Chromium', story, () => {
  it('signs out one other device, then everywhere else', async () => {
    await addUser(app.db, 'roamer@example.com', 'user', new Date());
    const phone = await newPage({ userAgent: safariOnIphone });
    await signInAt(phone.page, '/dashboard', 'roamer@example.com');
    const laptop = await newPage({ userAgent: firefoxOnWindows });
    await signInAt(laptop.page, '/dashboard', 'roamer@example.com');
    const { page, problems } = await newPage({ timezoneId: 'Asia/Tokyo' });
    await signInAt(page, '/account', 'roamer@example.com');

    const sessions = page.getByRole('region', { name: 'Your sessions' });
    const items = sessions.getByRole('listitem');
    await expect.poll(() => items.count()).toBe(3);
    expect(await items.first().innerText()).toMatch(/This device[\s\S]*IP\s+127\.0\.0\.1\s+Signed in\s[\s\S]*Last seen\s[\s\S]*Expires\s/);
    expect(await sessions.getByText('Firefox 128 on Windows', { exact: true }).isVisible()).toBe(true);
    // This device cannot be signed out from the list (that is what the header's "Sign out" is for).
    expect(await items.first().getByRole('button').count()).toBe(0);
    await page.screenshot({ path: join(screenshots, 'account-sessions.png'), fullPage: true });

    await sessions.getByRole('button', { name: /^Sign out Firefox 128 on Windows/ }).click();
    await notice(page, 'Signed out the session on Firefox 128 on Windows.').waitFor();
    await expect.poll(() => items.count()).toBe(2);
    await laptop.page.reload();
    await sentToSignIn(laptop.page, '/dashboard');

    await sessions.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await notice(page, 'Signed out 1 other session.').waitFor();
    await expect.poll(() => items.count()).toBe(1);
    expect(await sessions.getByRole('button', { name: 'Sign out everywhere else' }).count()).toBe(0);
    expect(await sessions.getByText('You’re signed in on this device only.').isVisible()).toBe(true);
    // The pressed button is gone; focus stays in the section instead of falling back to the page.
    expect(await sessions.getByRole('heading', { name: 'Your sessions' }).evaluate((el) => el === document.activeElement)).toBe(true);
    await phone.page.reload();
    await sentToSignIn(phone.page, '/dashboard');

    // This device stays signed in.
    await page.reload();
    await expect.poll(() => items.count()).toBe(1);
    expect(page.url()).toBe(`${origin}/account`);
    expect(unexpected(problems)).toEqual([]);
    for (const other of [phone, laptop]) {
      expect(unexpected(other.problems)).toEqual([]);
      await other.page.context().close();
    }
    await page.context().close();
  });
});
