import { addUser } from '@app/auth';
import { createDatabase, type Database } from '@app/db';
import { openTestDatabase, type TestDatabase } from '@app/db/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type FakePostmark, startFakePostmark } from './support/fake-postmark';
import { type Instance, POSTMARK_TOKEN, startInstance, waitUntil } from './support/instance';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy';
import type { TestBrowser } from './support/test-browser';

/*
 * The API between a client and a Postgres server that goes away: stopped (connections cut,
 * new ones refused) or unreachable (a partition: nothing answers). A TCP proxy of our own on
 * loopback plays the network. The embedded database runs in-process and cannot go away.
 */
const template = inject('testDatabaseTemplate');
const CONNECT_TIMEOUT_MS = 500;
const QUERY_TIMEOUT_MS = 1_000;
const POOL_SIZE = 4;
// "Quickly": bounded by the timeouts (each request may meet both), never by a hang.
const FAIL_FAST_MS = CONNECT_TIMEOUT_MS + QUERY_TIMEOUT_MS + 1_500;

let database: TestDatabase;
let proxy: TcpProxy;
let db: Database;
let postmark: FakePostmark;
let api: Instance;
let signedIn: TestBrowser;
let n = 0;

async function newUser(): Promise<string> {
  const email = `outage${++n}@example.com`;
  await addUser(database.db, email, 'user', new Date());
  return email;
}

/** Whether a pending email to `recipient` has a failed send on record (read past the proxy). */
async function sendFailed(recipient: string): Promise<boolean> {
  const row = await database.db.selectFrom('email_outbox').select('last_error').where('recipient', '=', recipient).where('status', '=', 'pending').executeTakeFirst();
  return Boolean(row?.last_error);
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

async function signInThrough(browser: TestBrowser, email: string): Promise<void> {
  const before = postmark.messages.length;
  await browser.trpc.auth.requestCode.mutate({ email });
  const code = await postmark.waitForCode(email, before);
  await browser.trpc.auth.verifyCode.mutate({ email, code, timezone: 'UTC' });
}

describe.skipIf(template.kind !== 'postgres')('database outage (needs DATABASE_URL: the embedded database cannot be cut off)', () => {
  beforeAll(async () => {
    database = await openTestDatabase(template);
    const target = new URL(database.url!);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(target);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    db = await createDatabase({ url: viaProxy.toString(), poolSize: POOL_SIZE, connectTimeoutMs: CONNECT_TIMEOUT_MS, queryTimeoutMs: QUERY_TIMEOUT_MS });
    postmark = await startFakePostmark({ serverToken: POSTMARK_TOKEN });
    // Short retry backoff: the email queued before an outage fails against a stopped provider for
    // as long as the outage lasts, and must not then wait out a long backoff.
    api = await startInstance({ db, postmark, delivery: { retryBaseSeconds: 0.2, retryMaxSeconds: 1 } });
    signedIn = api.browser();
    await signInThrough(signedIn, await newUser());
  });
  afterAll(async () => {
    await api?.close();
    await db?.destroy();
    await proxy?.close();
    await postmark?.close();
    await database?.close();
  });

  const outages = [
    { outage: 'down', what: 'stopped', strandHeld: false },
    { outage: 'unreachable', what: 'unreachable', strandHeld: false },
    // After a failover the old connections never answer again; only new ones work.
    { outage: 'unreachable', what: 'unreachable and its old connections never come back', strandHeld: true },
  ] as const;
  for (const { outage, what, strandHeld } of outages) {
    it(`answers 503 unavailable quickly while the database is ${what}, and recovers by itself`, async () => {
      const email = await newUser();
      // An email queued before the outage, held back by a provider that is down as well.
      await postmark.stop();
      const queuedEmail = await newUser();
      await api.browser().trpc.auth.requestCode.mutate({ email: queuedEmail });
      // Its failed send is on record before the outage begins: an outcome cut off by the outage
      // would keep the email leased (60 s) past this test's patience.
      await waitUntil(async () => sendFailed(queuedEmail), 5_000, 'the failed send to be recorded');

      await proxy.set(outage);
      const replies = await Promise.all([
        timed(() => api.browser().mutate('auth.requestCode', { email })),
        timed(() => signedIn.query('auth.me')),
        timed(() => api.browser().raw('/readyz')),
        // Postmark retries a webhook that was not answered 200: a 503, not a 500, and not lost.
        timed(() => postmark.webhooks.delivery({ MessageID: `outage-${outage}-${String(strandHeld)}`, To: email })),
      ]);
      for (const { result, ms } of replies) {
        expect(result.status).toBe(503);
        expect(result.body.error?.data?.reason ?? result.body.reason).toBe('unavailable');
        expect(JSON.stringify(result.body)).not.toMatch(/stack|ECONN|timeout/i);
        expect(ms).toBeLessThan(FAIL_FAST_MS);
      }
      expect((await api.browser().raw('/healthz')).status).toBe(200);
      await postmark.start();
      // The delivery worker keeps trying and keeps the process alive.
      await waitUntil(() => api.logs.some((l) => l.message === 'email delivery pass failed'), 5_000, 'a failed delivery pass');

      await proxy.set('up', { strandHeld });
      await waitUntil(async () => (await api.browser().raw('/readyz')).status === 200, 10_000, '/readyz to recover');
      // Every pooled connection is healthy again, not just the first one handed out.
      for (let i = 0; i < POOL_SIZE * 2; i++) expect(await signedIn.trpc.auth.me.query()).not.toBeNull();
      const retried = await api.browser().mutate('auth.requestCode', { email });
      expect(retried.status).toBe(200);
      await postmark.waitForMessage((m) => m.To === queuedEmail, 10_000);
      await postmark.waitForMessage((m) => m.To === email, 10_000);
      expect(postmark.messages.filter((m) => m.To === queuedEmail)).toHaveLength(1);
      expect(api.logs.filter((l) => l.level === 'error')).toEqual([]);
    });
  }
});
