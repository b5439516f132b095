import type { Database } from '@app/db';
import { loadConfig } from '../../src/config';
import { capturingLogger, type LogEntry } from './log-capture';
import { type RunningServer, startServer } from '../../src/server';
import type { FakePostmark } from './fake-postmark';
import { TestBrowser } from './test-browser';

export const TEST_ORIGIN = 'http://app.test';
export const POSTMARK_TOKEN = 'test-postmark-token';
/** The webhook's credentials in every test app (set POSTMARK_WEBHOOK_USER to '' for none). */
export const WEBHOOK_USER = 'postmark';
export const WEBHOOK_PASSWORD = 'webhook-password-0123456789';

export type { LogEntry } from './log-capture';

/** The production environment the API tests run with, plus `env`. */
export function testEnv(postmarkUrl: string, env: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    APP_URL: TEST_ORIGIN,
    APP_NAME: 'Acme',
    AUTH_SECRET: 'test-secret-that-is-long-enough-0123456789',
    POSTMARK_SERVER_TOKEN: POSTMARK_TOKEN,
    POSTMARK_API_URL: postmarkUrl,
    MAIL_FROM: 'Acme <auth@app.test>',
    ADMIN_EMAIL: 'admin@app.test',
    // A made-up http origin: every test talks plain http on loopback.
    ALLOW_INSECURE_HTTP: 'true',
    WEB_DIST_DIR: '/nonexistent',
    // Every test client comes from 127.0.0.1: per-network limits are tested on their own.
    AUTH_LIMIT_CODES_PER_IP: '100000/1h',
    AUTH_LIMIT_VERIFIES_PER_IP: '100000/1h',
    POSTMARK_WEBHOOK_USER: WEBHOOK_USER,
    POSTMARK_WEBHOOK_PASSWORD: WEBHOOK_PASSWORD,
    ...env,
  };
}

/** An API instance (the production server on loopback) on a database and fake Postmark that something else owns. */
export interface Instance {
  url: string;
  server: RunningServer;
  logs: LogEntry[];
  browser(origin?: string): TestBrowser;
  close(): Promise<void>;
}

export async function startInstance(options: {
  db: Database;
  postmark: FakePostmark;
  env?: Record<string, string>;
  now?: () => Date;
  /** Faster email retries, for tests that wait for a retry. */
  delivery?: { retryBaseSeconds: number; retryMaxSeconds: number };
}): Promise<Instance> {
  const config = loadConfig(testEnv(options.postmark.url, options.env));
  const { log, entries: logs } = capturingLogger(config.logLevel);
  const server = await startServer(config, log, {
    db: options.db,
    deliveryIntervalMs: 50,
    ...(options.now ? { now: options.now } : {}),
    ...(options.delivery ? { delivery: options.delivery } : {}),
  });
  // Where Postmark would be told to send its webhooks, credentials in the URL as Postmark takes them.
  if (config.postmarkWebhook) {
    const { user, password } = config.postmarkWebhook;
    options.postmark.webhooks.url = `${server.url.replace('://', `://${user}:${password}@`)}/webhooks/postmark`;
  }
  return {
    url: server.url,
    server,
    logs,
    browser: (origin = config.appUrl.origin) => new TestBrowser(server.url, origin),
    close: () => server.close(),
  };
}

/** Real time plus an offset that tests move forward (retries and expiry without waiting). */
export function movableClock() {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    advance(seconds: number) {
      offsetMs += seconds * 1000;
    },
  };
}

/** Polls `check` until it returns true, at most `timeoutMs`. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
