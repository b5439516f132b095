import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import { addSeconds, addUser, checkLimits, cleanUp, createSession, requestCode } from '../src/index';
import { type TestDeps, useDatabaseSuite } from './helpers';

const DAY = 86_400;
const meta = { ip: '198.51.100.4', userAgent: 'vitest' };
let deps: TestDeps;

const suite = useDatabaseSuite();
beforeEach(async () => {
  deps = suite.deps;
});

const run = () => cleanUp(suite.db, { now: deps.now(), inviteTtlDays: 30, auditRetentionDays: 365 });
const count = async (table: 'users' | 'sign_in_attempts' | 'sign_in_codes' | 'sessions' | 'email_outbox' | 'rate_limits') =>
  Number((await suite.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

async function activeUser(email: string, role: 'admin' | 'user' = 'user') {
  const { user } = await addUser(suite.db, email, role, new Date());
  await suite.db.updateTable('users').set({ status: 'active', last_sign_in_at: deps.now(), activated_at: deps.now() }).where('id', '=', user.id).execute();
  return user.id;
}

async function outboxRow(status: 'pending' | 'sent' | 'failed' | 'expired', ageDays: number) {
  const at = addSeconds(deps.now(), -ageDays * DAY);
  await suite.db
    .insertInto('email_outbox')
    .values({ kind: 'sign_in_code', recipient: `${status}${ageDays}@example.com`, subject: 's', status, created_at: at, not_after: at, next_attempt_at: at })
    .execute();
}

describe('cleanup', () => {
  it('removes exactly what is past, and says how much of each', async () => {
    await activeUser('boss@example.com', 'admin');
    const samId = await activeUser('sam@example.com');
    await addUser(suite.db, 'sam2@example.com', 'user', new Date());

    // Day 0: codes, attempts, a short session and rate-limit rows.
    await requestCode(suite.db, deps, { email: 'sam@example.com', attemptToken: undefined, meta });
    const longSession = await createSession(suite.db, deps, samId, meta);
    const shortSession = await createSession(suite.db, deps, samId, meta);
    await suite.db.updateTable('sessions').set({ expires_at: addSeconds(deps.now(), DAY) }).where('id', '=', shortSession.session.id).execute();
    await checkLimits(suite.db, [{ key: 'test:long', rule: { limit: 1, windowSeconds: 10 * DAY }, mode: 'consume' }], deps.now());

    deps.clock.advance(2 * DAY);
    // Day 2: sam's first attempt expired 2 days ago (gone), a fresh one for sam2 stays.
    await requestCode(suite.db, deps, { email: 'sam2@example.com', attemptToken: undefined, meta });
    // Outbox rows of several ages and states (sent 8 days ago is old enough; pending never goes).
    await outboxRow('sent', 8);
    await outboxRow('failed', 8);
    await outboxRow('expired', 8);
    await outboxRow('sent', 6);
    await outboxRow('pending', 30);
    const before = { codes: await count('sign_in_codes'), limits: await count('rate_limits'), outbox: await count('email_outbox') };
    expect(before).toEqual({ codes: 2, limits: 8, outbox: 7 });

    const result = await run();
    expect(result).toEqual({
      ran: true,
      removed: {
        codes: 1, // sam's code from day 0
        attempts: 1, // sam's attempt, expired (15 min after day 0) more than a day ago
        sessions: 1, // the one that expired on day 1
        outbox: 3, // sent/failed/expired older than 7 days
        rateLimits: 3, // sam's day-0 cooldown, hourly and inbox rows (the network row was used again on day 2)
        invitedUsers: 0, // sam2 was invited only two days ago
        auditEvents: 0, // every audit row is days old; they are kept a year
        emailEvents: 0,
        deliverability: 0,
      },
    });
    expect(await suite.db.selectFrom('sessions').select('id').execute()).toEqual([{ id: longSession.session.id }]);
    expect(await suite.db.selectFrom('sign_in_attempts').select('email').execute()).toEqual([{ email: 'sam2@example.com' }]);
    expect(await count('sign_in_codes')).toBe(1);
    expect((await suite.db.selectFrom('rate_limits').select('key').orderBy('key').execute()).map((r) => r.key)).toEqual([
      'code-cooldown:sam2@example.com',
      'code-inbox:sam2@example.com',
      'code-ip:198.51.100.4',
      'code:sam2@example.com',
      'test:long',
    ]);
    expect((await suite.db.selectFrom('email_outbox').select('recipient').orderBy('id').execute()).map((r) => r.recipient)).toEqual([
      'sam@example.com', // pending: the delivery worker, not cleanup, gives up on it
      'sam2@example.com',
      'sent6@example.com',
      'pending30@example.com',
    ]);

    // Run again at once: nothing more to do.
    expect(await run()).toEqual({ ran: true, removed: { codes: 0, attempts: 0, sessions: 0, outbox: 0, rateLimits: 0, invitedUsers: 0, auditEvents: 0, emailEvents: 0, deliverability: 0 } });
  });

  it('deletes invitations nobody accepted within INVITE_TTL_DAYS, with an audit row each', async () => {
    await activeUser('boss@example.com', 'admin');
    const stale = (await addUser(suite.db, 'stale@example.com', 'user', new Date())).user.id;
    await activeUser('came@example.com');
    await suite.db.updateTable('users').set({ created_at: addSeconds(deps.now(), -40 * DAY) }).execute();
    await addUser(suite.db, 'recent@example.com', 'user', new Date());
    const deactivated = (await addUser(suite.db, 'off@example.com', 'user', new Date())).user.id;
    await suite.db.updateTable('users').set({ status: 'deactivated', created_at: addSeconds(deps.now(), -40 * DAY) }).where('id', '=', deactivated).execute();

    // Exactly INVITE_TTL_DAYS old is not yet past.
    await suite.db.updateTable('users').set({ created_at: addSeconds(deps.now(), -30 * DAY) }).where('email', '=', 'recent@example.com').execute();
    expect(await run()).toMatchObject({ ran: true, removed: { invitedUsers: 1 } });
    expect((await suite.db.selectFrom('users').select('email').orderBy('email').execute()).map((u) => u.email)).toEqual([
      'boss@example.com',
      'came@example.com',
      'off@example.com',
      'recent@example.com',
    ]);
    const audit = await suite.db.selectFrom('audit_events').selectAll().orderBy('id').execute();
    expect(audit).toMatchObject([
      { type: 'user_removed', actor_user_id: null, subject_user_id: null, email: 'stale@example.com', data: { removedUserId: stale, reason: 'invitation_expired' } },
    ]);
  });

  it('keeps an invited admin while no admin is active, so the product keeps a way in', async () => {
    await addUser(suite.db, 'first-admin@example.com', 'admin', new Date());
    await suite.db.updateTable('users').set({ created_at: addSeconds(deps.now(), -60 * DAY) }).execute();
    expect(await run()).toMatchObject({ removed: { invitedUsers: 0 } });
    await activeUser('other-admin@example.com', 'admin');
    expect(await run()).toMatchObject({ removed: { invitedUsers: 1 } });
  });

  it('deletes audit events older than AUDIT_RETENTION_DAYS, in batches', async () => {
    const ages = [400, 400, 400, 380, 370, 366, 366, 365, 10, 0];
    await suite.db
      .insertInto('audit_events')
      .values(ages.map((age) => ({ type: 'sign_in_succeeded', email: `${age}@example.com`, ip: meta.ip, created_at: addSeconds(deps.now(), -age * DAY) })))
      .execute();
    // Batches of 3: only a loop of several transactions removes all seven.
    const result = await cleanUp(suite.db, { now: deps.now(), inviteTtlDays: 30, auditRetentionDays: 365, auditBatchSize: 3 });
    expect(result).toMatchObject({ ran: true, removed: { auditEvents: 7 } });
    // Exactly AUDIT_RETENTION_DAYS old is not yet past.
    expect((await suite.db.selectFrom('audit_events').select('email').orderBy('id').execute()).map((r) => r.email)).toEqual([
      '365@example.com',
      '10@example.com',
      '0@example.com',
    ]);
  });

  it('counts the boundary: a session expiring exactly now is left for the next run', async () => {
    const samId = await activeUser('sam@example.com');
    const { session } = await createSession(suite.db, deps, samId, meta);
    await suite.db.updateTable('sessions').set({ expires_at: deps.now() }).where('id', '=', session.id).execute();
    expect(await run()).toMatchObject({ removed: { sessions: 0 } });
    deps.clock.advance(1);
    expect(await run()).toMatchObject({ removed: { sessions: 1 } });
  });

  it.skipIf(!process.env.DATABASE_URL)('skips at once while another process holds the cleanup lock', async () => {
    // Needs a second connection, so only on a real Postgres server.
    const holder = suite.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(7412002::bigint)`.execute(trx);
      expect(await run()).toEqual({ ran: false });
    });
    await holder;
    expect((await run()).ran).toBe(true);
  });

  it('forgets provider event keys after 30 days, and old delivery records unless they suppress', async () => {
    const old = addSeconds(deps.now(), -400 * DAY);
    await suite.db
      .insertInto('email_events')
      .values([
        { event_key: 'Bounce:1', record_type: 'Bounce', message_id: 'm1', delivery_status: 'bounced', email: 'a@example.com', occurred_at: old, received_at: addSeconds(deps.now(), -31 * DAY) },
        { event_key: 'Bounce:2', record_type: 'Bounce', message_id: 'm2', delivery_status: 'bounced', email: 'a@example.com', occurred_at: old, received_at: addSeconds(deps.now(), -29 * DAY) },
      ])
      .execute();
    await suite.db
      .insertInto('email_deliverability')
      .values([
        { email: 'old@example.com', delivered_at: old, updated_at: old },
        { email: 'suppressed@example.com', suppressed_at: old, suppression_reason: 'HardBounce', updated_at: old },
        { email: 'recent@example.com', delivered_at: deps.now(), updated_at: deps.now() },
      ])
      .execute();
    expect(await run()).toMatchObject({ ran: true, removed: { emailEvents: 1, deliverability: 1 } });
    expect((await suite.db.selectFrom('email_events').select('event_key').execute()).map((r) => r.event_key)).toEqual(['Bounce:2']);
    expect((await suite.db.selectFrom('email_deliverability').select('email').orderBy('email').execute()).map((r) => r.email)).toEqual(['recent@example.com', 'suppressed@example.com']);
  });
});
