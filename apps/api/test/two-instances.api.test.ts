import { addUser } from '@app/auth';
import { createDatabase, type Database } from '@app/db';
import { openTestDatabase, type TestDatabase } from '@app/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHousekeepingJob } from '../src/housekeeping-job';
import { capturingLogger } from './support/log-capture';
import { type FakePostmark, startFakePostmark } from './support/fake-postmark';
import { type Instance, movableClock, POSTMARK_TOKEN, startInstance, waitUntil } from './support/instance';
import { reasonOf, type Reply, TestBrowser } from './support/test-browser';

/*
 * Two API instances on one database, as behind a load balancer. With a Postgres server each has a
 * pool of its own; the embedded database can only be shared in one process, which still shows
 * that no limit or claim lives in an instance's memory.
 */
const template = inject('testDatabaseTemplate');
const clock = movableClock();
let database: TestDatabase;
let secondDb: Database;
let postmark: FakePostmark;
let a: Instance;
let b: Instance;
let n = 0;

// Each test stands for clients of its own (X-Forwarded-For from a trusted loopback proxy).
const env = { TRUST_PROXY: 'loopback', AUTH_LIMIT_CODES_PER_IP: '4/1h' };

beforeAll(async () => {
  database = await openTestDatabase(template);
  secondDb = database.url ? await createDatabase({ url: database.url, poolSize: 5 }) : database.db;
  postmark = await startFakePostmark({ serverToken: POSTMARK_TOKEN });
  a = await startInstance({ db: database.db, postmark, env, now: clock.now });
  b = await startInstance({ db: secondDb, postmark, env, now: clock.now });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  if (secondDb !== database?.db) await secondDb?.destroy();
  await postmark?.close();
  await database?.close();
});

async function newUser(): Promise<string> {
  const email = `shared${++n}@example.com`;
  await addUser(database.db, email, 'user');
  return email;
}

let nextIp = 1;
function newIp(): string {
  return `198.51.100.${nextIp++}`;
}

function requestCode(browser: TestBrowser, email: string, ip: string): Promise<Reply> {
  return browser.mutate('auth.requestCode', { email }, { 'x-forwarded-for': ip });
}

describe('two instances on one database', () => {
  it('send each email exactly once, retries included', async () => {
    // The first sends fail, so retries are claimed by whichever instance polls first.
    postmark.queue(...Array.from({ length: 8 }, () => ({ status: 503 })));
    const emails: string[] = [];
    const ips = Array.from({ length: 4 }, newIp);
    for (let i = 0; i < 16; i++) {
      const email = await newUser();
      emails.push(email);
      // Alternate the instances; four requests per address (the per-network limit).
      const reply = await requestCode((i % 2 === 0 ? a : b).browser(), email, ips[Math.floor(i / 4)]!);
      expect(reply.status).toBe(200);
    }
    const due = () => emails.every((email) => postmark.messages.some((m) => m.To === email));
    // Move time on for the retries in steps well inside the claim lease (60 s), as real time would.
    for (let i = 0; i < 40 && !due(); i++) {
      clock.advance(15);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await waitUntil(due, 10_000, 'every email');
    // Both keep polling; nothing goes out twice.
    for (let i = 0; i < 3; i++) {
      clock.advance(15);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await Promise.all([a.server.worker.idle(), b.server.worker.idle()]);
    expect(emails.map((email) => postmark.messages.filter((m) => m.To === email).length)).toEqual(emails.map(() => 1));
    const sentBy = [a, b].map((instance) => instance.logs.filter((l) => l.message === 'email sent').length);
    expect(sentBy[0]! + sentBy[1]!).toBe(16);
  });

  it('share the resend cooldown of an email', async () => {
    const email = await newUser();
    expect((await requestCode(a.browser(), email, newIp())).status).toBe(200);
    const again = await requestCode(b.browser(), email, newIp());
    expect([again.status, reasonOf(again)]).toEqual([429, 'rate_limited']);
  });

  it('share the per-network limit', async () => {
    const ip = newIp();
    const replies: Reply[] = [];
    for (let i = 0; i < 5; i++) replies.push(await requestCode((i % 2 === 0 ? a : b).browser(), await newUser(), ip));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 429]);
  });

  it('share the count of wrong codes for an email', async () => {
    const email = await newUser();
    const ip = newIp();
    const reasons: Array<string | undefined> = [];
    for (let round = 0; round < 3; round++) {
      // An attempt started on one instance, guessed at on both.
      const browserA = a.browser();
      expect((await requestCode(browserA, email, ip)).status).toBe(200);
      const browserB = new TestBrowser(b.url, browserA.origin);
      for (const [name, value] of browserA.cookies) browserB.cookies.set(name, value);
      for (let i = 0; i < 4; i++) {
        const browser = i % 2 === 0 ? browserA : browserB;
        reasons.push(reasonOf(await browser.mutate('auth.verifyCode', { email, code: '0000000', timezone: 'UTC' }, { 'x-forwarded-for': ip })));
      }
      clock.advance(61);
    }
    // Ten wrong codes an hour for the email, across attempts and instances.
    expect(reasons.slice(0, 10)).toEqual(Array(10).fill('invalid_or_expired_code'));
    expect(reasons.slice(10)).toEqual(['rate_limited', 'rate_limited']);
  });
});

describe.skipIf(template.kind !== 'postgres')('the cleanup job on two instances (needs DATABASE_URL: one embedded database has one connection)', () => {
  it('runs in one instance at a time', async () => {
    const { log, entries } = capturingLogger();
    const now = () => clock.now();
    const jobs = [database.db, secondDb].map((db) => startHousekeepingJob({ db, now, inviteTtlDays: 30, log, firstRunDelayMs: 600_000 }));
    const holder = await createDatabase({ url: database.url!, poolSize: 1 });
    try {
      await database.db.insertInto('rate_limits').values({ key: 'stale', tat: new Date('2020-01-01T00:00:00Z') }).execute();
      // Hold the stale row, so the first instance's cleanup is caught mid-run, lock in hand.
      const release = await holdRowLock(holder, 'stale');
      const first = jobs[0]!.runNow();
      await waitUntil(() => cleanupWaiting(secondDb), 10_000, 'the first cleanup to block');
      expect(await jobs[1]!.runNow()).toEqual({ ran: false });
      await release();
      expect(await first).toMatchObject({ ran: true, removed: { rateLimits: expect.any(Number) } });
      expect(await database.db.selectFrom('rate_limits').select('key').where('key', '=', 'stale').execute()).toEqual([]);
      // Once it is done, the other instance may run.
      expect((await jobs[1]!.runNow())?.ran).toBe(true);
      expect(entries.map((e) => e.message)).toContain('housekeeping skipped: another instance is running it');
    } finally {
      await Promise.all(jobs.map((job) => job.stop()));
      await holder.destroy();
    }
  });
});

/** Locks one rate_limits row in a transaction of its own until the returned function is called. */
async function holdRowLock(db: Database, key: string): Promise<() => Promise<void>> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const done = db.transaction().execute(async (trx) => {
    await sql`select key from rate_limits where key = ${key} for update`.execute(trx);
    locked();
    await released;
  });
  await isLocked;
  return async () => {
    release();
    await done;
  };
}

/** Whether a cleanup's delete is waiting for a lock in this database. */
async function cleanupWaiting(db: Database): Promise<boolean> {
  const { rows } = await sql<{ waiting: boolean }>`
    select exists (
      select 1 from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock' and query ilike '%delete from "rate_limits"%'
    ) as waiting`.execute(db);
  return rows[0]?.waiting ?? false;
}
