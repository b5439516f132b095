import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ApiProcess, startApiProcess } from './support/api-process';
import { type FakePostmark, startFakePostmark } from './support/fake-postmark';
import { freePort } from './support/free-port';
import { POSTMARK_TOKEN } from './support/instance';
import { openProcessDatabase, type ProcessDatabase } from './support/process-database';
import { signIn } from './support/test-app';
import { TestBrowser } from './support/test-browser';

/*
 * `pnpm start` reads a .env at the repository root, and the real environment wins over it. It runs
 * the API's own start script in a copy of the repository's layout (apps/api with the built dist/),
 * so the developer's own .env, if any, stays out of it.
 */
const apiDir = resolve(import.meta.dirname, '..');
const template = inject('testDatabaseTemplate');
let root: string;
let postmark: FakePostmark;
let database: ProcessDatabase;
let api: ApiProcess | null = null;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'env-file-'));
  mkdirSync(join(root, 'apps/api'), { recursive: true });
  // The scripts as they are; no dependencies, which pnpm would want to install first.
  const { name, type, scripts } = JSON.parse(readFileSync(join(apiDir, 'package.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(root, 'apps/api/package.json'), JSON.stringify({ name, type, scripts }));
  symlinkSync(join(apiDir, 'dist'), join(root, 'apps/api/dist'));
  postmark = await startFakePostmark({ serverToken: POSTMARK_TOKEN });
  database = await openProcessDatabase(template, 'env-file');
});
afterAll(async () => {
  await api?.stop();
  await postmark?.close();
  await database?.close();
  rmSync(root, { recursive: true, force: true });
});

function pnpmStart(env: Record<string, string>) {
  return { env, command: { file: 'pnpm', args: ['run', 'start'], cwd: join(root, 'apps/api') } };
}

describe('pnpm start with a .env at the repository root', () => {
  it('refuses to start in production without the settings the .env would give', () => {
    const result = spawnSync('pnpm', ['run', 'start'], {
      cwd: join(root, 'apps/api'),
      env: { PATH: process.env.PATH, ...database.env, PORT: '0', HOST: '127.0.0.1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('APP_URL: required in production');
  });

  it('takes its settings from the file, and the real environment wins over it', async () => {
    writeFileSync(
      join(root, '.env'),
      [
        '# Production settings kept out of the shell',
        'APP_URL=http://dotenv.test',
        'ALLOW_INSECURE_HTTP=true',
        'AUTH_SECRET="a-secret-from-the-env-file-0123456789"',
        `POSTMARK_SERVER_TOKEN=${POSTMARK_TOKEN}`,
        `POSTMARK_API_URL=${postmark.url}`,
        "MAIL_FROM='Acme <auth@dotenv.test>'",
        'ADMIN_EMAIL=boss@dotenv.test',
        'WEB_DIST_DIR=/nonexistent',
        'PORT=1',
        '',
      ].join('\n'),
    );
    const port = await freePort();
    api = await startApiProcess(pnpmStart({ ...database.env, PORT: String(port), HOST: '127.0.0.1' }));
    const listening = api.lines.find((l) => l.msg === 'server listening')!;
    expect(listening).toMatchObject({ url: `http://127.0.0.1:${port}`, appUrl: 'http://dotenv.test', email: 'postmark' });

    // The first admin from the file signs in with a code sent through the Postmark settings from it.
    const browser = new TestBrowser(api.url, 'http://dotenv.test');
    const { user } = await signIn({ postmark }, browser, 'boss@dotenv.test');
    expect(user).toMatchObject({ email: 'boss@dotenv.test', role: 'admin' });
    expect(postmark.messages.at(-1)?.From).toBe('Acme <auth@dotenv.test>');
  });
});
