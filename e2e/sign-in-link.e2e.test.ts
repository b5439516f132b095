import { join } from 'node:path';
import { addUser } from '@app/auth';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { linkTokenIn } from '@app/api/testing/vitest';
import { screenshots, useBrowserApp } from './support/browser-app';
import { openPage, unexpected } from './support/chromium';

const t = useBrowserApp();

/** Asks for a code on the sign-in page `page` shows; returns the email's code and link. */
async function requestCode(page: Page, email: string): Promise<{ code: string; link: string; token: string }> {
  const before = t.app.postmark.messages.length;
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Sign In with Email' }).click();
  await page.getByLabel('Code', { exact: true }).waitFor();
  const code = await t.app.postmark.waitForCode(email, before, 15_000);
  const token = linkTokenIn(t.app.postmark.messages.findLast((m) => m.To === email)!)!;
  return { code, token, link: `${t.origin}/sign-in/link#${token}` };
}

describe('the sign-in link, in Chromium', () => {
  it('opened in the browser that asked for the code (a new tab, as from a mail client): signs in and goes where the visitor was headed', async () => {
    await addUser(t.app.db, 'ada@example.com', 'admin', new Date());
    const { page, problems } = await openPage(t.browser, { timezoneId: 'Europe/London', locale: 'en-GB' });
    await page.goto(`${t.origin}/admin/audit`);
    await page.waitForURL(/\/sign-in\?redirect=/);
    const { token, link } = await requestCode(page, 'ada@example.com');

    const tab = await page.context().newPage();
    const sent: Array<{ method: string; url: string; body: string | null }> = [];
    tab.on('request', (request) => sent.push({ method: request.method(), url: request.url(), body: request.postData() }));
    await tab.goto(link);
    await tab.waitForURL(`${t.origin}/admin/audit`);
    await expect.poll(() => tab.getByRole('heading', { name: 'Audit log' }).isVisible()).toBe(true);
    // The token left the browser once, in the body of one POST; no URL ever carried it.
    expect(sent.filter((r) => r.url.includes(token))).toEqual([]);
    expect(sent.filter((r) => r.body?.includes(token)).map((r) => [r.method, new URL(r.url).pathname])).toEqual([['POST', '/trpc/auth.verifyLink']]);
    expect(await tab.evaluate(() => JSON.stringify(history.state))).not.toContain(token);

    // The first tab, left at the code step, hears of the sign-in and goes on too.
    await page.waitForURL(`${t.origin}/admin/audit`);
    await page.goto(`${t.origin}/dashboard`);
    await expect.poll(() => page.getByText('ada@example.com').first().isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('opened in another browser: explains itself, consumes nothing, and the code still works in the first browser', async () => {
    await addUser(t.app.db, 'bob@example.com', 'user', new Date());
    const first = await openPage(t.browser, { timezoneId: 'Asia/Tokyo' });
    await first.page.goto(`${t.origin}/sign-in`);
    const { code, token, link } = await requestCode(first.page, 'bob@example.com');

    const phone = await openPage(t.browser, { viewport: { width: 375, height: 740 } });
    await phone.page.goto(link);
    const heading = phone.page.getByRole('heading', { name: 'Open this link in the other browser' });
    await heading.waitFor();
    expect(await phone.page.getByText('works only in the browser where the code was requested').isVisible()).toBe(true);
    expect(await phone.page.getByText('type the code from the same email on the sign-in page in that browser').isVisible()).toBe(true);
    // The token is off the address bar and out of the history entry.
    expect(phone.page.url()).toBe(`${t.origin}/sign-in/link`);
    expect(await phone.page.evaluate(() => JSON.stringify(history.state))).not.toContain(token);
    await expect.poll(() => heading.evaluate((el) => el === document.activeElement)).toBe(true);
    await phone.page.screenshot({ path: join(screenshots, 'sign-in-link-other-browser.png') });
    // A reload has no token left to send.
    await phone.page.reload();
    await phone.page.getByText('the link was not complete').waitFor();
    expect(unexpected(phone.problems)).toEqual([]);
    await phone.page.context().close();

    await first.page.getByLabel('Code', { exact: true }).fill(code);
    await first.page.getByRole('button', { name: 'Verify code' }).click();
    await first.page.waitForURL(`${t.origin}/dashboard`);
    await expect.poll(() => first.page.getByText('bob@example.com').first().isVisible()).toBe(true);
    expect(first.problems).toEqual([]);
    await first.page.context().close();
  });

  it('used already: says so and points to the sign-in page', async () => {
    await addUser(t.app.db, 'cy@example.com', 'user', new Date());
    const { page, problems } = await openPage(t.browser, {});
    await page.goto(`${t.origin}/sign-in`);
    const { code, link } = await requestCode(page, 'cy@example.com');
    await page.getByLabel('Code', { exact: true }).fill(code);
    await page.getByRole('button', { name: 'Verify code' }).click();
    await page.waitForURL(`${t.origin}/dashboard`);

    await page.goto(link);
    await page.getByRole('heading', { name: 'This link didn’t sign you in' }).waitFor();
    expect(await page.getByText('expired or was already used').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    await page.screenshot({ path: join(screenshots, 'sign-in-link-used.png') });
    await page.getByRole('link', { name: 'Go to the sign-in page' }).click();
    // Still signed in from the code: the sign-in page sends a signed-in person on.
    await page.waitForURL(`${t.origin}/dashboard`);
    expect(unexpected(problems)).toEqual([]);
    await page.context().close();
  });
});
