import { join } from 'node:path';
import { addUser } from '@app/auth';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '@app/api/testing/vitest';
import { screenshots, startBrowserApp } from './support/browser-app';
import { launchChromium, openPage, unexpected } from './support/chromium';
import { signInOnPage } from './support/sign-in-page';

let app: TestApp;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  ({ app, origin } = await startBrowserApp({ AUTH_RESEND_COOLDOWN_SECONDS: '0' }));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

function userRow(page: Page, email: string) {
  return page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: email }) });
}

/** Sends `email` a code through the API, and has Postmark report that it bounced. */
async function bounce(email: string, type: string): Promise<void> {
  const before = app.postmark.messages.length;
  await app.browser().trpc.auth.requestCode.mutate({ email });
  await app.postmark.waitForCode(email, before);
  await app.server.worker.idle();
  const message = app.postmark.messages.findLast((m) => m.To === email)!;
  const reply = await app.postmark.webhooks.bounce(message, type);
  expect(reply.status).toBe(200);
}

describe('email delivery on the admin page, in Chromium', { timeout: 90_000 }, () => {
  it('shows an admin a user whose email bounced, and lifts the suppression so they can sign in again', async () => {
    await addUser(app.db, 'postmaster@example.com', 'admin', new Date());
    await addUser(app.db, 'typo@example.com', 'user', new Date());
    await addUser(app.db, 'flaky@example.com', 'user', new Date());
    await bounce('typo@example.com', 'HardBounce');
    await bounce('flaky@example.com', 'SoftBounce');

    // The person with the bounced address is told what to do on the sign-in page.
    const person = await openPage(browser, { timezoneId: 'Europe/Berlin', locale: 'en-GB' });
    await person.page.goto(`${origin}/sign-in`);
    await person.page.getByLabel('Email', { exact: true }).fill('typo@example.com');
    await person.page.getByRole('button', { name: 'Sign In with Email' }).click();
    await person.page.getByRole('alert').getByText('We couldn’t deliver email to this address recently. Check it, or ask an administrator.').waitFor();
    await person.page.screenshot({ path: join(screenshots, 'sign-in-email-undeliverable.png') });

    const { page, problems } = await openPage(browser, { timezoneId: 'Europe/Berlin', locale: 'en-GB' });
    await page.goto(`${origin}/sign-in?redirect=/admin/users`);
    await signInOnPage(app, page, 'postmaster@example.com');
    await page.waitForURL(`${origin}/admin/users`);

    const typo = userRow(page, 'typo@example.com');
    await expect.poll(() => typo.innerText()).toMatch(/Suppressed\s+hard bounce, \d/);
    await expect.poll(() => userRow(page, 'flaky@example.com').innerText()).toMatch(/Bounced\s+soft bounce, \d/);
    await expect.poll(() => userRow(page, 'postmaster@example.com').innerText()).toMatch(/No reports/);

    // The filter shows only the people whose email bounces.
    await page.getByRole('search', { name: 'Find users' }).getByLabel('Email delivery').selectOption('bouncing');
    await expect.poll(async () => (await page.getByRole('rowheader').allInnerTexts()).sort()).toEqual(['flaky@example.com', 'typo@example.com']);
    await page.screenshot({ path: join(screenshots, 'admin-users-email-bounces.png'), fullPage: true });

    // The person fixed their mailbox: the admin lifts the suppression, which asks Postmark too.
    await typo.getByRole('button', { name: 'Lift suppression of typo@example.com' }).click();
    await page.locator('[aria-live]').getByText('Email to typo@example.com is on again, and the email provider was asked to deliver to it.').waitFor();
    await expect.poll(() => typo.innerText()).toMatch(/Bounced\s+hard bounce/);
    expect(await typo.getByRole('button', { name: 'Lift suppression of typo@example.com' }).count()).toBe(0);
    expect(app.postmark.suppressionDeletions.at(-1)).toEqual({ stream: 'outbound', addresses: ['typo@example.com'] });
    await page.screenshot({ path: join(screenshots, 'admin-users-suppression-lifted.png'), fullPage: true });

    // And they can sign in again.
    await person.page.reload();
    await signInOnPage(app, person.page, 'typo@example.com');
    await person.page.waitForURL(`${origin}/dashboard`);

    // The audit log says who lifted it.
    await page.goto(`${origin}/admin/audit?type=email_suppression_lifted`);
    await page.getByRole('cell', { name: 'Email suppression lifted' }).first().waitFor();
    await page.screenshot({ path: join(screenshots, 'admin-audit-suppression-lifted.png'), fullPage: true });

    expect(unexpected(problems)).toEqual([]);
    expect(unexpected(person.problems)).toEqual([]);
  });
});
