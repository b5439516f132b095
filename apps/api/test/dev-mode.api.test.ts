import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addUser } from '@app/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { capturingLogger } from './support/log-capture';
import { type RunningServer, startServer } from '../src/server';
import { TestBrowser } from './support/test-browser';

// Development as `pnpm dev` runs it: embedded database in DATA_DIR, emails printed, no Postmark.
const dataDir = mkdtempSync(join(tmpdir(), 'dev-mode-'));
const { log, entries } = capturingLogger();
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
    expect(entries.some((e) => e.level === 'print' && e.raw.includes('admin@example.com') && e.raw.includes(code!))).toBe(true);

    const signedIn = await b.trpc.auth.verifyCode.mutate({ email: 'admin@example.com', code: code!, timezone: 'UTC' });
    expect(signedIn.user.role).toBe('admin');
  });

  it('keeps users and sessions in DATA_DIR across restarts', async () => {
    await addUser(server.services.db, 'kept@example.com', 'user');
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

  it('answers the dev mailbox only to a loopback Host, so a rebound DNS name cannot read it', async () => {
    const statusFor = (host: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${server.url}/trpc/dev.mailbox`, { headers: { host } }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject).end();
      });
    for (const host of ['localhost:5173', 'LOCALHOST', '127.0.0.1:3000', '[::1]:3000']) expect((await statusFor(host)).status, host).toBe(200);
    for (const host of ['evil.example', 'evil.example:3000', 'localhost.evil.example', '127.0.0.1.nip.io', '10.0.0.5:3000']) {
      const reply = await statusFor(host);
      expect(reply.status, host).toBe(403);
      expect(JSON.parse(reply.body).error.data.reason).toBe('forbidden');
    }
  });
});
