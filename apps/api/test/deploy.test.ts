import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ApiProcess, startApiProcess } from './support/api-process';
import { type FakePostmark, startFakePostmark } from './support/fake-postmark';
import { freePort } from './support/free-port';
import { POSTMARK_TOKEN, testEnv } from './support/instance';
import { openProcessDatabase, type ProcessDatabase } from './support/process-database';
import { signIn } from './support/test-app';
import { TestBrowser } from './support/test-browser';

/*
 * What the Dockerfile does, without Docker (CI has none): `pnpm deploy` of the API into a directory
 * outside the repository, the built SPA beside it, then `node dist/main.js` from there alone: no
 * workspace, no tsx, no node_modules above it to fall back on.
 */
const repoRoot = resolve(import.meta.dirname, '../../..');
const DEPLOY = ['--filter', '@app/api', 'deploy', '--prod'];
const START = ['--enable-source-maps', 'dist/main.js'];
const template = inject('testDatabaseTemplate');
let dir: string;
let postmark: FakePostmark;
let database: ProcessDatabase;
let api: ApiProcess | null = null;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deployed-api-'));
  const deploy = spawnSync('pnpm', [...DEPLOY, dir], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
  if (deploy.status !== 0) throw new Error(`pnpm deploy failed:\n${deploy.stdout}\n${deploy.stderr}`);
  cpSync(join(repoRoot, 'apps/web/dist'), join(dir, 'web'), { recursive: true });
  postmark = await startFakePostmark({ serverToken: POSTMARK_TOKEN });
  database = await openProcessDatabase(template, 'deployed-api');
}, 180_000);
afterAll(async () => {
  await api?.stop();
  await postmark?.close();
  await database?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the deployed API directory', () => {
  it('is what the Dockerfile builds and starts', () => {
    const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`pnpm ${DEPLOY.join(' ')} /deploy && cp -r apps/web/dist /deploy/web`);
    expect(dockerfile).toContain(`CMD ${JSON.stringify(['node', ...START]).replaceAll(',', ', ')}`);
    expect(dockerfile).toMatch(/^ENV NODE_ENV=production PORT=3000 WEB_DIST_DIR=\/app\/web DATA_DIR=\/app\/data$/m);
  });

  it('runs with node alone, serves the SPA and signs a person in', async () => {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    // The image's settings (ENV in the Dockerfile) with the deploy directory for /app.
    const env = testEnv(postmark.url, { ...database.env, PORT: String(port), APP_URL: origin, WEB_DIST_DIR: join(dir, 'web'), DATA_DIR: join(dir, 'data') });
    api = await startApiProcess({ env, command: { file: process.execPath, args: START, cwd: dir } });

    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
    const page = await fetch(`${origin}/sign-in`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app">');

    const browser = new TestBrowser(origin, origin);
    const { user } = await signIn({ postmark }, browser, 'admin@app.test');
    expect(user).toMatchObject({ email: 'admin@app.test', role: 'admin' });
    expect((await browser.trpc.auth.me.query())?.email).toBe('admin@app.test');
  });
});
