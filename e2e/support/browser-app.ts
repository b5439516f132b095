import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { freePort } from '@app/api/testing';
import { startTestApp, type TestApp } from '@app/api/testing/vitest';

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
