import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { freePort } from '@app/api/testing';
import { startTestApp, type TestApp } from '@app/api/testing/vitest';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './chromium';

/** The built SPA the API serves to the browser. */
export const webDist = resolve(import.meta.dirname, '../../apps/web/dist');

/** Where browser tests leave their screenshots (made if missing). */
export const screenshots = resolve(import.meta.dirname, '../../test-results');
mkdirSync(screenshots, { recursive: true });

/** The production API with the built SPA on a loopback origin known up front, plus `env`. */
export async function startBrowserApp(env: Record<string, string> = {}): Promise<{ app: TestApp; origin: string }> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const app = await startTestApp({ env: { PORT: String(port), APP_URL: origin, WEB_DIST_DIR: webDist, ...env } });
  return { app, origin };
}

export interface BrowserApp {
  app: TestApp;
  origin: string;
  browser: Browser;
}

/**
 * For a test file: the app (as `startBrowserApp` makes it) and a Chromium, started before its
 * tests and closed after them. Read the fields inside tests, once they are set.
 */
export function useBrowserApp(env: Record<string, string> = {}): Readonly<BrowserApp> {
  const state = {} as BrowserApp;
  beforeAll(async () => {
    Object.assign(state, await startBrowserApp(env));
    state.browser = await launchChromium();
  });
  afterAll(async () => {
    await state.browser?.close();
    await state.app?.close();
  });
  return state;
}
