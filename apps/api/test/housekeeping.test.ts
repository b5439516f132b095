import { addUser, createAuthDeps, createSession, defaultAuthOptions } from '@app/auth';
import type { Database } from '@app/db';
import { openTestDatabase, type TestDatabase } from '@app/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHousekeepingJob } from '../src/housekeeping-job';
import { capturingLogger } from './support/log-capture';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase(inject('testDatabaseTemplate'));
});
afterAll(() => t.close());

function recordingLogger() {
  const { log, entries: lines } = capturingLogger();
  return { log, lines };
}

const until = async (check: () => boolean, timeoutMs = 5_000) => {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('the housekeeping job', () => {
  it('runs shortly after start and then on its interval, logs what it removed, and stops', async () => {
    const now = new Date('2026-03-01T00:00:00Z');
    await addUser(t.db, 'stale@example.com', 'user', new Date());
    await t.db.updateTable('users').set({ created_at: new Date('2026-01-01T00:00:00Z') }).execute(); // invited 59 days before `now`
    const { user } = await addUser(t.db, 'job@example.com', 'user', new Date());
    await t.db.updateTable('users').set({ status: 'active', last_sign_in_at: new Date('2026-01-01T00:00:00Z') }).where('id', '=', user.id).execute();
    const options = { ...defaultAuthOptions, secret: 'test-secret-0123456789abcdef0123456789', appName: 'Acme', appUrl: 'http://app.test' };
    const deps = createAuthDeps(options, { now: () => new Date('2026-01-01T00:00:00Z') });
    await createSession(t.db, deps, user.id, { ip: null, userAgent: null }); // expired long before `now`
    await t.db.insertInto('audit_events').values({ type: 'sign_in_succeeded', ip: '198.51.100.7', created_at: new Date('2026-01-01T00:00:00Z') }).execute();

    const { log, lines } = recordingLogger();
    const job = startHousekeepingJob({ db: t.db, now: () => now, retention: { inviteTtlDays: 30, auditRetentionDays: 30 }, log, firstRunDelayMs: 10, intervalMs: 40 });
    await until(() => lines.filter((l) => l.message === 'housekeeping removed expired rows').length >= 2);
    await job.stop();
    const runs = lines.filter((l) => l.message === 'housekeeping removed expired rows');
    expect(runs[0]!.fields).toEqual({ codes: 0, attempts: 0, sessions: 1, outbox: 0, rateLimits: 0, invitedUsers: 1, auditEvents: 1, emailEvents: 0, deliverability: 0 });
    expect(runs[1]!.fields).toMatchObject({ sessions: 0, invitedUsers: 0 });

    const count = lines.length;
    await new Promise((r) => setTimeout(r, 120));
    expect(lines.length).toBe(count);
  });

  it('logs a failed run instead of crashing the server', async () => {
    const { log, lines } = recordingLogger();
    const broken = { transaction: () => ({ execute: () => Promise.reject(new Error('connect ECONNREFUSED')) }) } as unknown as Database;
    const job = startHousekeepingJob({ db: broken, now: () => new Date(), retention: { inviteTtlDays: 30, auditRetentionDays: 365 }, log, firstRunDelayMs: 60_000 });
    expect(await job.runNow()).toBeNull();
    expect(lines.map(({ message, fields }) => ({ message, fields }))).toEqual([{ message: 'housekeeping failed', fields: { error: 'connect ECONNREFUSED' } }]);
    await job.stop();
  });

  it.skipIf(!process.env.DATABASE_URL)('skips a round while another instance holds the lock', async () => {
    const { log, lines } = recordingLogger();
    const job = startHousekeepingJob({ db: t.db, now: () => new Date(), retention: { inviteTtlDays: 30, auditRetentionDays: 365 }, log, firstRunDelayMs: 60_000 });
    await t.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(7412002::bigint)`.execute(trx);
      expect(await job.runNow()).toEqual({ ran: false });
    });
    expect(lines.map((l) => l.message)).toEqual(['housekeeping skipped: another instance is running it']);
    expect((await job.runNow())?.ran).toBe(true);
    await job.stop();
  });
});
