import { type Database } from '@app/db';
import { openTestDatabase } from '@app/db/testing';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config';
import type { Logger } from '../../src/logger';
import { type RunningServer, startServer } from '../../src/server';
import { type FakePostmark, startFakePostmark } from './fake-postmark';
import { TestBrowser } from './test-browser';

export const TEST_ORIGIN = 'http://app.test';
const POSTMARK_TOKEN = 'test-postmark-token';

export interface LogEntry {
  level: string;
  message: string;
  fields: Record<string, unknown>;
}

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
  const logs: LogEntry[] = [];
  const record = (level: string) => (message: string, fields: Record<string, unknown> = {}) => logs.push({ level, message, fields });
  const log: Logger = { info: record('info'), warn: record('warn'), error: record('error'), print: (text) => record('print')(text) };
  const config = loadConfig({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    APP_URL: TEST_ORIGIN,
    APP_NAME: 'Acme',
    AUTH_SECRET: 'test-secret-that-is-long-enough-0123456789',
    POSTMARK_SERVER_TOKEN: POSTMARK_TOKEN,
    POSTMARK_API_URL: postmark.url,
    MAIL_FROM: 'Acme <auth@app.test>',
    ADMIN_EMAIL: 'admin@app.test',
    WEB_DIST_DIR: '/nonexistent',
    // Every test client comes from 127.0.0.1: per-network limits are tested on their own.
    AUTH_LIMIT_CODES_PER_IP: '100000/1h',
    AUTH_LIMIT_VERIFIES_PER_IP: '100000/1h',
    ...options.env,
  });
  const server = await startServer(config, log, { db: database.db, deliveryIntervalMs: 50, ...(options.now ? { now: options.now } : {}) });
  const origin = options.env?.APP_URL ?? TEST_ORIGIN;
  return {
    url: server.url,
    db: database.db,
    postmark,
    server,
    logs,
    browser: (o = origin) => new TestBrowser(server.url, o),
    async close() {
      await server.close();
      await postmark.close();
      await database.close();
    },
  };
}

/** Requests a code for `email` in `browser` and returns the code from the delivered email. */
export async function receiveCode(app: TestApp, browser: TestBrowser, email: string): Promise<string> {
  const before = app.postmark.messages.length;
  await browser.trpc.auth.requestCode.mutate({ email });
  await app.postmark.waitForMessage((m) => m.To === email && app.postmark.messages.indexOf(m) >= before, 10_000);
  return app.postmark.codeFor(email);
}

/** Signs `email` in through the API, as the SPA does. */
export async function signIn(app: TestApp, browser: TestBrowser, email: string) {
  const code = await receiveCode(app, browser, email);
  return browser.trpc.auth.verifyCode.mutate({ email, code, timezone: 'Europe/Berlin' });
}
