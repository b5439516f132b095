import { addUser } from '@app/auth';
import { createDatabase, type Database } from '@app/db';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHousekeepingJob } from '../../src/housekeeping-job';
import { capturingLogger } from './log-capture';
import { type FakePostmark, startFakePostmark } from './fake-postmark';
import { type Instance, movableClock, POSTMARK_TOKEN, startInstance, waitUntil } from './instance';
import { reasonOf, type Reply, TestBrowser } from './test-browser';

/** Two connections to one migrated database, as two API instances would open them. */
export interface SharedDatabase {
  /** The first instance's database; tests seed through it. */
  first: Database;
  /** The second instance's: its own pool on a Postgres server, the same object on the embedded one. */
  second: Database;
  /** The database straight on the Postgres server (for a lock holder), undefined on the embedded one. */
  directUrl: string | undefined;
  /** Closes what `open` opened. */
  close(): Promise<void>;
}

/*
 * Two API instances on one database, as behind a load balancer: run directly against the database
 * and through a transaction-mode pooler. With a Postgres server each instance has a pool of its
 * own; the embedded database can only be shared in one process, which still shows that no limit or
 * claim lives in an instance's memory.
 */
export function describeTwoInstances(title: string, onServer: boolean, open: () => Promise<SharedDatabase>): void {
  describe(title, () => {
    const clock = movableClock();
    let database: SharedDatabase;
    let postmark: FakePostmark;
    let a: Instance;
    let b: Instance;
    let n = 0;

    // Each test stands for clients of its own (X-Forwarded-For from a trusted loopback proxy).
    const env = { TRUST_PROXY: 'loopback', AUTH_LIMIT_CODES_PER_IP: '4/1h' };

    beforeAll(async () => {
      database = await open();
      postmark = await startFakePostmark({ serverToken: POSTMARK_TOKEN });
      a = await startInstance({ db: database.first, postmark, env, now: clock.now });
      b = await startInstance({ db: database.second, postmark, env, now: clock.now });
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
      await postmark?.close();
      await database?.close();
    });

    async function newUser(role: 'admin' | 'user' = 'user'): Promise<string> {
      const email = `shared${++n}@example.com`;
      await addUser(database.first, email, role, new Date());
      return email;
    }

    /** The same browser (its cookies) talking to the other instance, as a load balancer may send it. */
    function onOther(browser: TestBrowser, instance: Instance): TestBrowser {
      const moved = new TestBrowser(instance.url, browser.origin);
      for (const [name, value] of browser.cookies) moved.cookies.set(name, value);
      return moved;
    }

    /** A code asked for on `a` and entered on `b`: a signed-in browser for each instance. */
    async function signInAcross(email: string): Promise<{ onA: TestBrowser; onB: TestBrowser }> {
      const ip = newIp();
      const onA = a.browser();
      const before = postmark.messages.length;
      expect((await requestCode(onA, email, ip)).status).toBe(200);
      const code = await postmark.waitForCode(email, before);
      const onB = onOther(onA, b);
      expect((await onB.mutate('auth.verifyCode', { email, code, timezone: 'UTC' }, { 'x-forwarded-for': ip })).status).toBe(200);
      return { onA: onOther(onB, a), onB };
    }

    let nextIp = 1;
    function newIp(): string {
      return `198.51.100.${nextIp++}`;
    }

    function requestCode(browser: TestBrowser, email: string, ip: string): Promise<Reply> {
      return browser.mutate('auth.requestCode', { email }, { 'x-forwarded-for': ip });
    }

    describe('requests to either instance', () => {
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
          const browserB = onOther(browserA, b);
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

      it('sign in on one and the other, and see an admin change made on either at once', async () => {
        const admin = await signInAcross(await newUser('admin'));
        const email = await newUser();
        const person = await signInAcross(email);
        const me = async (browser: TestBrowser) => (await browser.query('auth.me')).body.result.data;
        expect(await me(person.onA)).toMatchObject({ email, role: 'user' });
        const id = (await me(person.onB)).id as string;

        // No session is cached in an instance: a change that ends sessions ends them on both at once.
        expect((await admin.onB.mutate('admin.users.setRole', { userId: id, role: 'admin' })).status).toBe(200);
        expect([await me(person.onA), await me(person.onB)]).toEqual([null, null]);
        clock.advance(61); // the resend cooldown
        const again = await signInAcross(email);
        expect(await me(again.onA)).toMatchObject({ email, role: 'admin' });
        expect((await admin.onA.mutate('admin.users.deactivate', { userId: id })).status).toBe(200);
        expect([await me(again.onA), await me(again.onB)]).toEqual([null, null]);
        const audit = (await admin.onB.query('admin.audit.list', { userId: id })).body.result.data.items as Array<{ type: string }>;
        expect(audit.map((entry) => entry.type)).toEqual(expect.arrayContaining(['sign_in_succeeded', 'role_changed', 'user_deactivated']));
      });
    });

    describe.skipIf(!onServer)('the cleanup job on two instances (needs DATABASE_URL: one embedded database has one connection)', () => {
      it('runs in one instance at a time', async () => {
        const { log, entries } = capturingLogger();
        const now = () => clock.now();
        const jobs = [database.first, database.second].map((db) => startHousekeepingJob({ db, now, retention: { inviteTtlDays: 30, auditRetentionDays: 365 }, log, firstRunDelayMs: 600_000 }));
        const holder = await createDatabase({ url: database.directUrl!, poolSize: 1 });
        try {
          await database.first.insertInto('rate_limits').values({ key: 'stale', tat: new Date('2020-01-01T00:00:00Z') }).execute();
          // Hold the stale row, so the first instance's cleanup is caught mid-run, lock in hand.
          const release = await holdRowLock(holder, 'stale');
          const first = jobs[0]!.runNow();
          await waitUntil(() => cleanupWaiting(database.second), 10_000, 'the first cleanup to block');
          expect(await jobs[1]!.runNow()).toEqual({ ran: false });
          await release();
          expect(await first).toMatchObject({ ran: true, removed: { rateLimits: expect.any(Number) } });
          expect(await database.first.selectFrom('rate_limits').select('key').where('key', '=', 'stale').execute()).toEqual([]);
          // Once it is done, the other instance may run.
          expect((await jobs[1]!.runNow())?.ran).toBe(true);
          expect(entries.map((e) => e.message)).toContain('housekeeping skipped: another instance is running it');
        } finally {
          await Promise.all(jobs.map((job) => job.stop()));
          await holder.destroy();
        }
      });
    });
  });
}

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
