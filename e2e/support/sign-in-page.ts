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
