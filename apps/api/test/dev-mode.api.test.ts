import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addUser } from '@app/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import type { Logger } from '../src/logger';
import { type RunningServer, startServer } from '../src/server';
import { TestBrowser } from './support/test-browser';

// Development as `pnpm dev` runs it: embedded database in DATA_DIR, emails printed, no Postmark.
const dataDir = mkdtempSync(join(tmpdir(), 'dev-mode-'));
const printed: string[] = [];
const log: Logger = {
  info: (message, fields) => printed.push(`${message} ${JSON.stringify(fields ?? {})}`),
  warn: () => {},
  error: () => {},
  print: (text) => printed.push(text),
};
const env = { NODE_ENV: 'development', HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, APP_URL: 'http://localhost:5173', WEB_DIST_DIR: '/nonexistent' };
let server: RunningServer;

function browser() {
  return new TestBrowser(server.url, 'http://localhost:5173');
}

beforeAll(async () => {
  server = await startServer(loadConfig(env), log, { deliveryIntervalMs: 50 });
});
afterAll(() => server?.close());

describe('development mode', () => {
  it('creates the first admin from ADMIN_EMAIL (admin@example.com by default)', async () => {
    const admin = await server.services.db.selectFrom('users').select(['email', 'role']).where('role', '=', 'admin').execute();
    expect(admin).toEqual([{ email: 'admin@example.com', role: 'admin' }]);
  });

  it('prints the email to the console and lists it in the dev mailbox', async () => {
    const b = browser();
    await b.trpc.auth.requestCode.mutate({ email: 'admin@example.com' });
    await server.worker.idle();
    await expect.poll(async () => (await b.trpc.dev.mailbox.query()).items.length).toBe(1);
    const [mail] = (await b.trpc.dev.mailbox.query()).items;
    expect(mail).toMatchObject({ to: 'admin@example.com', subject: 'Your sign-in code for Acme' });
    const code = /^(\d{6})$/m.exec(mail!.text)?.[1];
    expect(code).toBeDefined();
    expect(printed.some((line) => line.includes('admin@example.com') && line.includes(code!))).toBe(true);

    const signedIn = await b.trpc.auth.verifyCode.mutate({ email: 'admin@example.com', code: code!, timezone: 'UTC' });
    expect(signedIn.user.role).toBe('admin');
  });

  it('keeps users and sessions in DATA_DIR across restarts', async () => {
    await addUser(server.services.db, 'kept@example.com', 'user', new Date());
    await server.close();
    server = await startServer(loadConfig(env), log, { deliveryIntervalMs: 50 });
    const b = browser();
    await b.trpc.auth.requestCode.mutate({ email: 'kept@example.com' });
    await expect.poll(async () => (await b.trpc.dev.mailbox.query()).items.some((m) => m.to === 'kept@example.com')).toBe(true);
    const mail = (await b.trpc.dev.mailbox.query()).items.find((m) => m.to === 'kept@example.com')!;
    const code = /^(\d{6})$/m.exec(mail.text)![1]!;
    await b.trpc.auth.verifyCode.mutate({ email: 'kept@example.com', code, timezone: 'UTC' });

    await server.close();
    server = await startServer(loadConfig(env), log, { deliveryIntervalMs: 50 });
    const sameBrowser = browser();
    for (const [name, value] of b.cookies) sameBrowser.cookies.set(name, value);
    expect(await sameBrowser.trpc.auth.me.query()).toMatchObject({ email: 'kept@example.com' });
  });
});
