import { join } from 'node:path';
import { addUser } from '@app/auth';
import { describe, expect, it } from 'vitest';
import { screenshots, useBrowserApp } from './support/browser-app';
import { openPage, unexpected } from './support/chromium';

const t = useBrowserApp();

/** A fresh browser profile, in Tokyo unless told otherwise. */
function newPage(timezoneId = 'Asia/Tokyo') {
  return openPage(t.browser, { timezoneId, locale: 'en-US' });
}

describe('serving the built SPA', () => {
  it('serves the shell for client routes, revalidated, and hashed assets as immutable', async () => {
    const page = await fetch(`${t.origin}/dashboard`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${t.origin}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const missing = await fetch(`${t.origin}/assets/nope.js`, { headers: { accept: 'application/javascript' } });
    expect(missing.status).toBe(404);
  });
});

describe('signing in with a code, in Chromium', () => {
  it('takes a person from a protected page through the code email and back', async () => {
    await addUser(t.app.db, 'grace@example.com', 'user', new Date());
    const { page, problems } = await newPage();

    await page.goto(`${t.origin}/dashboard`);
    await page.waitForURL(/\/sign-in\?redirect=/);
    expect(new URL(page.url()).searchParams.get('redirect')).toBe('/dashboard');
    await expect.poll(() => page.getByRole('heading', { name: 'Sign In' }).isVisible()).toBe(true);
    expect(await page.getByText('Enter your email to sign in to the app.').isVisible()).toBe(true);
    const emailField = page.getByLabel('Email');
    expect(await emailField.getAttribute('placeholder')).toBe('foo@bar.com');
    expect(await emailField.getAttribute('autocomplete')).toBe('email');
    await page.screenshot({ path: join(screenshots, 'sign-in.png') });

    await emailField.fill('Grace@Example.com');
    await page.getByRole('button', { name: 'Sign In with Email' }).click();
    const codeField = page.getByLabel('Code');
    await codeField.waitFor();
    expect(await page.getByRole('button', { name: 'Code sent' }).isDisabled()).toBe(true);
    expect(await codeField.getAttribute('autocomplete')).toBe('one-time-code');
    expect(await codeField.getAttribute('inputmode')).toBe('numeric');
    expect(await codeField.getAttribute('placeholder')).toBe('Enter your code');
    expect(await page.getByRole('button', { name: /Resend code in \d+ s/ }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Use a different email' }).isVisible()).toBe(true);

    const mail = await t.app.postmark.waitForMessage((m) => m.To === 'grace@example.com', 15_000);
    const code = t.app.postmark.codeFor('grace@example.com');
    expect(mail.Subject).toBe('Your sign-in code for Acme');
    await page.screenshot({ path: join(screenshots, 'code-sent.png') });

    // Pasted with a space, as people copy it from an email.
    await codeField.fill(`${code.slice(0, 3)} ${code.slice(3)}`);
    await page.getByRole('button', { name: 'Verify code' }).click();
    await page.waitForURL(`${t.origin}/dashboard`);
    await expect.poll(() => page.getByRole('main').getByText('grace@example.com').isVisible()).toBe(true);
    expect(await page.getByText('Asia/Tokyo').isVisible()).toBe(true);
    await page.screenshot({ path: join(screenshots, 'dashboard.png') });

    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(await page.evaluate(() => document.cookie)).toBe('');

    await page.getByRole('main').getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL(/\/sign-in/);
    await page.goto(`${t.origin}/dashboard`);
    await page.waitForURL(/\/sign-in\?redirect=/);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('shows a clear error for an unregistered email and a wrong code', async () => {
    await addUser(t.app.db, 'linus@example.com', 'user', new Date());
    const { page, problems } = await newPage('Europe/Paris');
    await page.goto(`${t.origin}/sign-in`);
    await page.getByLabel('Email').fill('stranger@example.com');
    await page.getByRole('button', { name: 'Sign In with Email' }).click();
    const alert = page.locator('[aria-live]').filter({ hasText: /not registered/i });
    await alert.first().waitFor();

    await page.getByLabel('Email').fill('linus@example.com');
    await page.getByRole('button', { name: 'Sign In with Email' }).click();
    await page.getByLabel('Code').waitFor();
    const code = (await t.app.postmark.waitForMessage((m) => m.To === 'linus@example.com', 15_000)) && t.app.postmark.codeFor('linus@example.com');
    await page.getByLabel('Code').fill(code === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Verify code' }).click();
    await page.locator('[aria-live]').filter({ hasText: /wrong|expired/i }).first().waitFor();
    await page.screenshot({ path: join(screenshots, 'wrong-code.png') });
    expect(page.url()).toContain('/sign-in');
    // The browser logs failed requests (401/403) as console errors; nothing else may appear.
    expect(unexpected(problems)).toEqual([]);
    await page.context().close();
  });

  it('works with the keyboard alone and returns to a safe redirect only', async () => {
    await addUser(t.app.db, 'keys@example.com', 'user', new Date());
    const { page } = await newPage();
    await page.goto(`${t.origin}/sign-in?redirect=${encodeURIComponent('//evil.example/steal')}`);
    await page.getByLabel('Email').waitFor();
    await page.keyboard.press('Tab');
    // Tab until the email field has focus, then type and press Enter.
    for (let i = 0; i < 10 && !(await page.getByLabel('Email').evaluate((el) => el === document.activeElement)); i++) {
      await page.keyboard.press('Tab');
    }
    await page.keyboard.type('keys@example.com');
    await page.keyboard.press('Enter');
    await page.getByLabel('Code').waitFor();
    await expect.poll(() => page.getByLabel('Code').evaluate((el) => el === document.activeElement)).toBe(true);
    await t.app.postmark.waitForMessage((m) => m.To === 'keys@example.com', 15_000);
    await page.keyboard.type(t.app.postmark.codeFor('keys@example.com'));
    await page.keyboard.press('Enter');
    await page.waitForURL(`${t.origin}/dashboard`);
    await page.context().close();
  });
});
