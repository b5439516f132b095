import type { Database } from '@app/db';
import { openTestDatabase } from '@app/db/testing';
import { inject } from 'vitest';
import type { RunningServer } from '../../src/server';
import { type FakePostmark, startFakePostmark } from './fake-postmark';
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
