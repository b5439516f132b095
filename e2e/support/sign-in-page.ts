import type { Page } from 'playwright-core';
import type { TestApp } from '@app/api/testing/vitest';

/**
 * Signs `email` in on the sign-in page `page` is showing, with the code from the sign-in email this
 * asks for (an invitation to the same address has no code). Returns once the code is sent off;
 * the caller waits for wherever the app goes next.
 */
export async function signInOnPage(app: TestApp, page: Page, email: string): Promise<void> {
  const before = app.postmark.messages.length;
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Sign In with Email' }).click();
  await page.getByLabel('Code', { exact: true }).waitFor();
  const code = await app.postmark.waitForCode(email, before, 15_000);
  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Verify code' }).click();
}

/** Opens `path` signed out, signs in on the page it redirects to, and waits to land on `landing`. */
export async function signInThrough(app: TestApp, origin: string, page: Page, path: string, email: string, landing = path): Promise<void> {
  await page.goto(`${origin}${path}`);
  await sentToSignIn(page, path);
  await signInOnPage(app, page, email);
  await page.waitForURL(`${origin}${landing}`);
}

/** Waits until `page` shows the sign-in page that will lead back to `redirect`. */
export function sentToSignIn(page: Page, redirect: string): Promise<void> {
  return page.waitForURL((url) => url.pathname === '/sign-in' && url.searchParams.get('redirect') === redirect);
}
