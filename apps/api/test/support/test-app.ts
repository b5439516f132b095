import type { Database } from '@app/db';
import { openTestDatabase } from '@app/db/testing';
import { inject } from 'vitest';
import type { RunningServer } from '../../src/server';
import { type FakeMessage, type FakePostmark, startFakePostmark } from './fake-postmark';
import { type LogEntry, POSTMARK_TOKEN, startInstance } from './instance';
import type { TestBrowser } from './test-browser';

export { type LogEntry, TEST_ORIGIN } from './instance';

export interface TestApp {
  url: string;
  db: Database;
  postmark: FakePostmark;
  server: RunningServer;
  logs: LogEntry[];
  browser(origin?: string): TestBrowser;
  close(): Promise<void>;
}

/**
 * The production server on a loopback port, with its own database copy and a fake Postmark
 * that the real postmark client talks to over HTTP.
 */
export async function startTestApp(options: { env?: Record<string, string>; now?: () => Date } = {}): Promise<TestApp> {
  const database = await openTestDatabase(inject('testDatabaseTemplate'));
  const postmark = await startFakePostmark({ serverToken: POSTMARK_TOKEN });
  const instance = await startInstance({ db: database.db, postmark, ...options });
  return {
    ...instance,
    db: database.db,
    postmark,
    async close() {
      await instance.close();
      await postmark.close();
      await database.close();
    },
  };
}

/** Requests a code for `email` in `browser` and returns the code from the delivered email. */
export async function receiveCode(app: Pick<TestApp, 'postmark'>, browser: TestBrowser, email: string): Promise<string> {
  const before = app.postmark.messages.length;
  await browser.trpc.auth.requestCode.mutate({ email });
  return app.postmark.waitForCode(email, before);
}

/** Signs `email` in through the API, as the SPA does. */
export async function signIn(app: Pick<TestApp, 'postmark'>, browser: TestBrowser, email: string) {
  const code = await receiveCode(app, browser, email);
  return browser.trpc.auth.verifyCode.mutate({ email, code, timezone: 'Europe/Berlin' });
}

/** The token of the sign-in link in a code email (`APP_URL/sign-in/link#<token>`, a line of its own), if it has one. */
export function linkTokenIn(message: Pick<FakeMessage, 'TextBody'>): string | null {
  return /^https?:\/\/\S+\/sign-in\/link#(\S+)$/m.exec(message.TextBody ?? '')?.[1] ?? null;
}

/** Requests a code for `email` in `browser`; returns the code and the link's token from the delivered email. */
export async function receiveCodeAndLink(app: Pick<TestApp, 'postmark'>, browser: TestBrowser, email: string): Promise<{ code: string; token: string }> {
  const code = await receiveCode(app, browser, email);
  const message = app.postmark.messages.findLast((m) => m.To === email && m.TextBody?.split('\n').includes(code));
  const token = message && linkTokenIn(message);
  if (!token) throw new Error(`no sign-in link in the email to ${email}`);
  return { code, token };
}
