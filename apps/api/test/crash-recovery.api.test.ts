import { type TestDatabase } from '@app/db/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ApiProcess, startApiProcess } from './support/api-process';
import { freePort } from './support/free-port';
import { type FakePostmark, startFakePostmark } from './support/fake-postmark';
import { POSTMARK_TOKEN, testEnv, waitUntil } from './support/instance';
import { openProcessDatabase, type ProcessDatabase } from './support/process-database';
import { TestBrowser } from './support/test-browser';

/*
 * The API process killed (SIGKILL: no shutdown code runs) in the middle of sign-ins, then started
 * again: the sessions it made still work and the emails it had queued go out, once each. It runs
 * as a real process, on a database copy of its own (a Postgres database, or a PGlite data dir).
 */
const template = inject('testDatabaseTemplate');
let owned: ProcessDatabase | null = null;
let database: TestDatabase | null = null;
let postmark: FakePostmark;
let env: Record<string, string>;
let api: ApiProcess | null = null;

beforeAll(async () => {
  postmark = await startFakePostmark({ serverToken: POSTMARK_TOKEN });
  const port = await freePort();
  owned = await openProcessDatabase(template, 'crash-recovery');
  database = owned.database;
  // Open sign-up: people can sign in without being added first (the process owns the database).
  env = testEnv(postmark.url, { ...owned.env, PORT: String(port), SIGNUP: 'open' });
});
afterAll(async () => {
  await api?.stop('SIGKILL');
  await postmark?.close();
  await owned?.close();
});

/** A browser tab on the API; the restarted process listens at the same address, so tabs carry over. */
function browserOn(process: ApiProcess): TestBrowser {
  return new TestBrowser(process.url, 'http://app.test');
}

async function receive(email: string, before: number): Promise<string> {
  return postmark.waitForCode(email, before, 15_000);
}

async function claimedEmails(t: TestDatabase): Promise<number> {
  const rows = await t.db.selectFrom('email_outbox').select('id').where('status', '=', 'pending').where('locked_until', '>', new Date()).execute();
  return rows.length;
}

describe('an API process killed mid-flow', () => {
  it('keeps every session and sends every queued email once, after it is started again', async () => {
    api = await startApiProcess({ env });
    const signedIn: Array<{ email: string; browser: TestBrowser }> = [];
    for (const email of ['kept1@example.com', 'kept2@example.com']) {
      const browser = browserOn(api);
      const before = postmark.messages.length;
      await browser.trpc.auth.requestCode.mutate({ email });
      await browser.trpc.auth.verifyCode.mutate({ email, code: await receive(email, before), timezone: 'UTC' });
      signedIn.push({ email, browser });
    }

    // The provider goes away; three people ask for codes, which wait in the outbox.
    await postmark.stop();
    const waiting: Array<{ email: string; browser: TestBrowser }> = [];
    for (const email of ['queued1@example.com', 'queued2@example.com', 'queued3@example.com']) {
      const browser = browserOn(api);
      await browser.trpc.auth.requestCode.mutate({ email });
      waiting.push({ email, browser });
    }
    const failed = () => api!.lines.filter((l) => l.msg === 'email send failed, will retry').length;
    await api.waitForLine(() => failed() >= 3, 15_000);
    // Let the last outcome commit (the line is written just before), then kill without warning. (A
    // send in flight at the kill would be retried only when its 60 s claim lapses.)
    if (database) await waitUntil(async () => (await claimedEmails(database!)) === 0, 10_000, 'no claimed emails');
    else await new Promise((resolve) => setTimeout(resolve, 300));
    await api.stop('SIGKILL');

    const before = postmark.messages.length;
    await postmark.start();
    api = await startApiProcess({ env });
    for (const { email, browser } of signedIn) expect(await browser.trpc.auth.me.query()).toMatchObject({ email });
    for (const { email, browser } of waiting) {
      const code = await receive(email, before);
      // The code still works in the browser that asked for it before the crash.
      expect((await browser.trpc.auth.verifyCode.mutate({ email, code, timezone: 'UTC' })).user.email).toBe(email);
    }
    // Nothing goes out twice, however long the worker keeps polling.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    for (const { email } of waiting) expect(postmark.messages.filter((m) => m.To === email)).toHaveLength(1);
    await api.stop('SIGTERM');
    api = null;
  });
});
