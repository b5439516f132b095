import { addUser, findUserByEmail } from '@app/auth';
import type { Role } from '@app/db';
import type { TestBrowser } from './test-browser';
import { receiveCode, type TestApp } from './test-app';

export const CHROME_ON_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
export const FIREFOX_ON_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0';

/** Registers `email` (if new) and signs it in through the real code flow, in a browser of its own. */
export async function signInAs(
  app: TestApp,
  email: string,
  options: { role?: Role; userAgent?: string } = {},
): Promise<{ browser: TestBrowser; id: string; email: string }> {
  if (!(await findUserByEmail(app.db, email))) await addUser(app.db, email, options.role ?? 'user', new Date());
  const browser = app.browser();
  const code = await receiveCode(app, browser, email);
  const headers: Record<string, string> = options.userAgent ? { 'user-agent': options.userAgent } : {};
  const reply = await browser.mutate('auth.verifyCode', { email, code, timezone: 'Europe/Berlin' }, headers);
  if (reply.status !== 200) throw new Error(`sign-in of ${email} failed: ${JSON.stringify(reply.body)}`);
  return { browser, id: reply.body.result.data.user.id, email };
}
