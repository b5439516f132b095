import type { Page } from 'playwright-core';
import type { TestApp } from '../../apps/api/test/support/test-app';

/**
 * Signs `email` in on the sign-in page `page` is showing, with the code from the fake Postmark's
 * newest sign-in email (an invitation sent earlier has no code). Returns once the code is sent off;
 * the caller waits for wherever the app goes next.
 */
export async function signInOnPage(app: TestApp, page: Page, email: string): Promise<void> {
  const before = app.postmark.messages.length;
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Sign In with Email' }).click();
  await page.getByLabel('Code', { exact: true }).waitFor();
  const mail = await app.postmark.waitForMessage(
    (m) => m.To === email && /sign-in code/i.test(m.Subject) && app.postmark.messages.indexOf(m) >= before,
    15_000,
  );
  const code = /^\s*(\d{6})\s*$/m.exec(mail.TextBody ?? '')?.[1];
  if (!code) throw new Error(`no code in the sign-in email to ${email}`);
  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Verify code' }).click();
}
