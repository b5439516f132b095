import type { Role } from '@app/db';
import { createDatabase } from '@app/db';
import { sql } from 'kysely';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import {
  addUser,
  changeUserEmail,
  clearSuppression,
  createSession,
  deactivateUser,
  ensureFirstAdmin,
  inviteUser,
  listAudit,
  listUsers,
  listUserSessions,
  provisionUser,
  reactivateUser,
  removeUser,
  requestCode,
  revokeOtherSessions,
  revokeSession,
  revokeUserSessions,
  setUserRole,
  validateSessionToken,
} from '../src/index';
import { suppressAddress, type TestDeps, useDatabaseSuite, waitForLockWait } from './helpers';

const meta = { ip: '198.51.100.4', userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36' };
let deps: TestDeps;

const suite = useDatabaseSuite();
beforeEach(async () => {
  deps = suite.deps;
});

/** A user who has signed in before (status active). */
async function activeUser(email: string, role: Role = 'user'): Promise<string> {
  const { user } = await addUser(suite.db, email, role, new Date());
  await suite.db.updateTable('users').set({ status: 'active', activated_at: deps.now(), last_sign_in_at: deps.now() }).where('id', '=', user.id).execute();
  return user.id;
}

async function auditRows(type?: string) {
  let query = suite.db.selectFrom('audit_events').selectAll().orderBy('id');
  if (type) query = query.where('type', '=', type);
  return query.execute();
}

function ok<T extends { ok: boolean }>(result: T): Extract<T, { ok: true }> {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result)}`);
  return result as Extract<T, { ok: true }>;
}

describe('listing users', () => {
  it('pages newest first with no duplicates or gaps, even within one millisecond', async () => {
    // Twelve users created a microsecond apart: a cursor cut to milliseconds would skip some.
    for (let i = 0; i < 12; i++) {
      const at = `2026-01-01T00:00:00.0000${String(i).padStart(2, '0')}Z`;
      await suite.db.insertInto('users').values({ email: `u${i}@example.com`, role: 'user', created_at: at, updated_at: at }).execute();
    }
    // Two more with the very same instant: the id breaks the tie.
    for (const email of ['same1@example.com', 'same2@example.com']) {
      await suite.db.insertInto('users').values({ email, role: 'user', created_at: '2026-01-01T00:00:00.000005Z', updated_at: deps.now() }).execute();
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = ok(await listUsers(suite.db, deps, { limit: 5, ...(cursor ? { cursor } : {}) }));
      seen.push(...page.items.map((u) => u.email));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(14);
    expect(seen[0]).toBe('u11@example.com');
    expect(seen.at(-1)).toBe('u0@example.com');
    const all = ok(await listUsers(suite.db, deps, { limit: 100 }));
    expect(all.items.map((u) => u.email)).toEqual(seen);
    expect(all.nextCursor).toBeNull();
  });

  it('searches emails case-blind, with LIKE wildcards taken literally', async () => {
    for (const email of ['ann_lee@example.com', 'annxlee@example.com', 'bob@example.com', '100%real@example.com']) await activeUser(email);
    const emails = async (search: string) => ok(await listUsers(suite.db, deps, { search })).items.map((u) => u.email).sort();
    expect(await emails('ANN')).toEqual(['ann_lee@example.com', 'annxlee@example.com']);
    expect(await emails('n_l')).toEqual(['ann_lee@example.com']);
    expect(await emails('%')).toEqual(['100%real@example.com']);
    expect(await emails('\\')).toEqual([]);
    expect(await emails('  ')).toHaveLength(4);
  });

  it('filters by role and status, and counts only live sessions', async () => {
    const adminId = await activeUser('boss@example.com', 'admin');
    await addUser(suite.db, 'new@example.com', 'user', new Date());
    await createSession(suite.db, deps, adminId, meta);
    await createSession(suite.db, deps, adminId, meta);
    const expired = await createSession(suite.db, deps, adminId, meta);
    await suite.db.updateTable('sessions').set({ expires_at: deps.now() }).where('id', '=', expired.session.id).execute();

    const admins = ok(await listUsers(suite.db, deps, { role: 'admin' })).items;
    expect(admins).toEqual([
      {
        id: adminId,
        email: 'boss@example.com',
        role: 'admin',
        status: 'active',
        timezone: null,
        createdAt: expect.any(Date),
        lastSignInAt: deps.now(),
        activeSessions: 2,
        delivery: { lastDeliveredAt: null, lastBouncedAt: null, bounceType: null, complainedAt: null, suppressedAt: null, suppressionReason: null },
      },
    ]);
    expect(ok(await listUsers(suite.db, deps, { status: 'invited' })).items.map((u) => u.email)).toEqual(['new@example.com']);
    expect(ok(await listUsers(suite.db, deps, { status: 'deactivated' })).items).toEqual([]);
  });

  it('refuses tampered cursors and absurd limits as bad_request', async () => {
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const bad = [
      'garbage!',
      enc(['2026-01-01T00:00:00.000000Z']),
      enc(['2026-02-30T00:00:00.000000Z', '0b8c5a8e-4f0a-4d4e-9a55-2a7c0d9f0f11']),
      enc(['2026-01-01T00:00:00.000000Z', "x' or 1=1 --"]),
      enc(["'; drop table users; --", '0b8c5a8e-4f0a-4d4e-9a55-2a7c0d9f0f11']),
    ];
    for (const cursor of bad) expect(await listUsers(suite.db, deps, { cursor })).toEqual({ ok: false, reason: 'bad_request' });
    for (const limit of [0, 101, 1.5]) expect(await listUsers(suite.db, deps, { limit })).toEqual({ ok: false, reason: 'bad_request' });
  });
});

describe('inviting', () => {
  it('adds an invited user, queues the invitation and audits it, in one go', async () => {
    const adminId = await activeUser('boss@example.com', 'admin');
    const result = ok(await inviteUser(suite.db, deps, { actorId: adminId, email: ' New@Example.com ', role: 'user', meta }));
    expect(result.user).toMatchObject({ email: 'new@example.com', role: 'user', status: 'invited', lastSignInAt: null, activeSessions: 0 });
    expect(result.email).toBe('queued');
    const mail = await suite.db.selectFrom('email_outbox').selectAll().executeTakeFirstOrThrow();
    expect(mail).toMatchObject({ kind: 'invitation', recipient: 'new@example.com', subject: 'You have been invited to Acme', user_id: result.user.id });
    expect(mail.text_body).toContain('Sign in to Acme:\nhttp://localhost:3000/sign-in\n');
    expect(mail.not_after.getTime() - deps.now().getTime()).toBe(7 * 86_400_000);
    const [audit] = await auditRows('user_invited');
    expect(audit).toMatchObject({ actor_user_id: adminId, subject_user_id: result.user.id, email: 'new@example.com', ip: meta.ip, data: { role: 'user', emailSent: true } });
  });

  it('can skip the email', async () => {
    const adminId = await activeUser('boss@example.com', 'admin');
    expect(ok(await inviteUser(suite.db, deps, { actorId: adminId, email: 'quiet@example.com', role: 'admin', sendEmail: false, meta })).email).toBe('not_asked');
    expect(await suite.db.selectFrom('email_outbox').select('id').execute()).toEqual([]);
  });

  it('queues no invitation to a suppressed address, and says so', async () => {
    const adminId = await activeUser('boss@example.com', 'admin');
    await suppressAddress(suite.db, 'bounced@example.com', deps.now());
    const result = ok(await inviteUser(suite.db, deps, { actorId: adminId, email: 'bounced@example.com', role: 'user', meta }));
    expect(result.email).toBe('suppressed');
    expect(result.user).toMatchObject({ email: 'bounced@example.com', status: 'invited' });
    expect(await suite.db.selectFrom('email_outbox').select('id').execute()).toEqual([]);
    expect((await auditRows('user_invited'))[0]?.data).toEqual({ role: 'user', emailSent: false, suppressed: true });
  });

  it('refuses an existing email and a malformed one', async () => {
    const adminId = await activeUser('boss@example.com', 'admin');
    expect(await inviteUser(suite.db, deps, { actorId: adminId, email: 'BOSS@example.com', role: 'user', meta })).toEqual({ ok: false, reason: 'already_exists' });
    expect(await inviteUser(suite.db, deps, { actorId: adminId, email: 'nope', role: 'user', meta })).toEqual({ ok: false, reason: 'invalid_email' });
    expect(await auditRows('user_invited')).toEqual([]);
  });
});

describe('changing users', () => {
  it('changes a role, ends the sessions and records who did it', async () => {
    const adminId = await activeUser('boss@example.com', 'admin');
    const userId = await activeUser('sam@example.com');
    const { token } = await createSession(suite.db, deps, userId, meta);
    const result = ok(await setUserRole(suite.db, deps, { actorId: adminId, userId, role: 'admin', meta }));
    expect(result.user).toMatchObject({ role: 'admin', activeSessions: 0 });
    expect((await validateSessionToken(suite.db, deps, token)).session).toBeNull();
    const [audit] = await auditRows('role_changed');
    expect(audit).toMatchObject({ actor_user_id: adminId, subject_user_id: userId, email: 'sam@example.com', data: { from: 'user', to: 'admin', sessionsRevoked: 1 } });
  });

  it('leaves sessions alone when the role does not change', async () => {
    const adminId = await activeUser('boss@example.com', 'admin');
    const userId = await activeUser('sam@example.com');
    const { token } = await createSession(suite.db, deps, userId, meta);
    ok(await setUserRole(suite.db, deps, { actorId: adminId, userId, role: 'user', meta }));
    expect((await validateSessionToken(suite.db, deps, token)).session).not.toBeNull();
    expect(await auditRows('role_changed')).toEqual([]);
  });

  it('deactivates: sessions end, no code is sent; reactivating restores the earlier status', async () => {
    const adminId = await activeUser('boss@example.com', 'admin');
    const userId = await activeUser('sam@example.com');
    const invitedId = (await addUser(suite.db, 'later@example.com', 'user', new Date())).user.id;
    const { token } = await createSession(suite.db, deps, userId, meta);

    expect(ok(await deactivateUser(suite.db, deps, { actorId: adminId, userId, meta })).user.status).toBe('deactivated');
    expect((await validateSessionToken(suite.db, deps, token)).session).toBeNull();
    expect(await requestCode(suite.db, deps, { email: 'sam@example.com', attemptToken: undefined, meta })).toEqual({ ok: false, reason: 'not_registered' });
    ok(await deactivateUser(suite.db, deps, { actorId: adminId, userId: invitedId, meta }));

    expect(ok(await reactivateUser(suite.db, deps, { actorId: adminId, userId, meta })).user.status).toBe('active');
    expect(ok(await reactivateUser(suite.db, deps, { actorId: adminId, userId: invitedId, meta })).user.status).toBe('invited');
    expect((await auditRows()).map((r) => r.type)).toEqual(['user_deactivated', 'user_deactivated', 'user_reactivated', 'user_reactivated']);
    expect((await auditRows('user_deactivated'))[0]).toMatchObject({ data: { previousStatus: 'active', sessionsRevoked: 1 } });
  });

  it('removes a user with their sessions and attempts, keeping the audit trail by email', async () => {
    const adminId = await activeUser('boss@example.com', 'admin');
    const userId = await activeUser('sam@example.com');
    await createSession(suite.db, deps, userId, meta);
    await requestCode(suite.db, deps, { email: 'sam@example.com', attemptToken: undefined, meta });
    expect(await removeUser(suite.db, deps, { actorId: adminId, userId, meta })).toEqual({ ok: true });
    expect(await suite.db.selectFrom('sessions').select('id').where('user_id', '=', userId).execute()).toEqual([]);
    expect(await suite.db.selectFrom('sign_in_attempts').select('id').where('email', '=', 'sam@example.com').execute()).toEqual([]);
    const rows = await auditRows();
    expect(rows.map((r) => r.type)).toEqual(['code_requested', 'user_removed']);
    expect(rows[1]).toMatchObject({ actor_user_id: adminId, subject_user_id: null, email: 'sam@example.com', data: { removedUserId: userId } });
    expect(await removeUser(suite.db, deps, { actorId: adminId, userId, meta })).toEqual({ ok: false, reason: 'not_found' });
  });

  it('answers unknown and malformed ids with not_found', async () => {
    const adminId = await activeUser('boss@example.com', 'admin');
    for (const userId of ['0b8c5a8e-4f0a-4d4e-9a55-2a7c0d9f0f11', 'not-a-uuid', '']) {
      const action = { actorId: adminId, userId, meta };
      expect(await setUserRole(suite.db, deps, { ...action, role: 'user' })).toEqual({ ok: false, reason: 'not_found' });
      expect(await deactivateUser(suite.db, deps, action)).toEqual({ ok: false, reason: 'not_found' });
      expect(await reactivateUser(suite.db, deps, action)).toEqual({ ok: false, reason: 'not_found' });
      expect(await removeUser(suite.db, deps, action)).toEqual({ ok: false, reason: 'not_found' });
      expect(await revokeUserSessions(suite.db, deps, action)).toEqual({ ok: false, reason: 'not_found' });
      expect(await listUserSessions(suite.db, deps, { userId, currentSessionId: null })).toEqual({ ok: false, reason: 'not_found' });
    }
  });
});

describe('users added by an operator (pnpm cli, ADMIN_EMAIL)', () => {
  const at = new Date('2026-11-26T12:00:00Z');
  const audited = async () =>
    (await auditRows()).map((row) => ({ type: row.type, actor: row.actor_user_id, subject: row.subject_user_id, email: row.email, data: row.data }));

  it('are in the audit log without an actor, saying who added them; an unchanged role writes nothing', async () => {
    const created = await provisionUser(suite.db, 'ops@example.com', 'user', 'cli', at);
    const promoted = await provisionUser(suite.db, 'ops@example.com', 'admin', 'cli', at);
    expect(await provisionUser(suite.db, 'ops@example.com', 'admin', 'cli', at)).toMatchObject({ outcome: 'unchanged' });
    expect([created.outcome, promoted]).toEqual(['created', { outcome: 'updated', user: expect.objectContaining({ role: 'admin' }), previousRole: 'user' }]);
    const subject = { actor: null, subject: created.user.id, email: 'ops@example.com' };
    expect(await audited()).toEqual([
      { type: 'user_invited', ...subject, data: { role: 'user', emailSent: false, by: 'cli' } },
      { type: 'role_changed', ...subject, data: { from: 'user', to: 'admin', by: 'cli' } },
    ]);
  });

  it('makes the ADMIN_EMAIL admin once, when there is no admin, and says so in the audit log', async () => {
    const first = await ensureFirstAdmin(suite.db, 'root@example.com', new Date());
    expect(first).toMatchObject({ outcome: 'created', user: { email: 'root@example.com', role: 'admin' } });
    expect(await ensureFirstAdmin(suite.db, 'other@example.com', new Date())).toBeNull();
    expect(await audited()).toEqual([
      { type: 'user_invited', actor: null, subject: first!.user.id, email: 'root@example.com', data: { role: 'admin', emailSent: false, by: 'ADMIN_EMAIL' } },
    ]);
  });

  it('are stamped with the time they are given, like every other change', async () => {
    const later = new Date('2026-11-27T08:00:00Z');
    await ensureFirstAdmin(suite.db, 'root@example.com', at);
    await provisionUser(suite.db, 'ops@example.com', 'user', 'cli', at);
    await provisionUser(suite.db, 'ops@example.com', 'admin', 'cli', later);
    expect(await suite.db.selectFrom('users').select(['email', 'created_at', 'updated_at']).orderBy('email').execute()).toEqual([
      { email: 'ops@example.com', created_at: at, updated_at: later },
      { email: 'root@example.com', created_at: at, updated_at: at },
    ]);
  });
});

describe('the last active admin', () => {
  it('cannot be demoted, deactivated or removed, even by themselves', async () => {
    const adminId = await activeUser('boss@example.com', 'admin');
    await addUser(suite.db, 'invited-admin@example.com', 'admin', new Date()); // never signed in: does not count
    const action = { actorId: adminId, userId: adminId, meta };
    expect(await setUserRole(suite.db, deps, { ...action, role: 'user' })).toEqual({ ok: false, reason: 'last_admin' });
    expect(await deactivateUser(suite.db, deps, action)).toEqual({ ok: false, reason: 'last_admin' });
    expect(await removeUser(suite.db, deps, action)).toEqual({ ok: false, reason: 'last_admin' });
    expect(await auditRows()).toEqual([]);
  });

  it('can step down once another admin is active', async () => {
    const adminId = await activeUser('boss@example.com', 'admin');
    await activeUser('deputy@example.com', 'admin');
    expect(ok(await deactivateUser(suite.db, deps, { actorId: adminId, userId: adminId, meta })).user.status).toBe('deactivated');
  });

  it('survives two admins demoting each other at the same moment', async () => {
    // Without the row locks both transactions count two admins and both succeed, leaving none.
    for (let round = 0; round < 8; round++) {
      await suite.db.deleteFrom('users').execute();
      const a = await activeUser(`a${round}@example.com`, 'admin');
      const b = await activeUser(`b${round}@example.com`, 'admin');
      const results = await Promise.all([
        setUserRole(suite.db, deps, { actorId: a, userId: b, role: 'user', meta }),
        round % 2 === 0
          ? setUserRole(suite.db, deps, { actorId: b, userId: a, role: 'user', meta })
          : deactivateUser(suite.db, deps, { actorId: b, userId: a, meta }),
      ]);
      expect(results.map((r) => r.ok).sort()).toEqual([false, true]);
      // The second to take the locks is no longer an admin by then.
      expect(results.find((r) => !r.ok)).toEqual({ ok: false, reason: 'forbidden' });
      const admins = await suite.db.selectFrom('users').select('id').where('role', '=', 'admin').where('status', '=', 'active').execute();
      expect(admins).toHaveLength(1);
    }
  });

  it('never deadlocks when admins and the user act on the same user at once', async () => {
    // Inserts that reference a user (audit rows, sessions) take a key-share lock on it; the admin
    // changes lock users FOR NO KEY UPDATE, which does not conflict with that, so none of these
    // interleavings can wait on each other in a cycle (Postgres would abort one with 40P01).
    for (let round = 0; round < 6; round++) {
      await suite.db.deleteFrom('users').execute();
      const a = await activeUser(`a${round}@example.com`, 'admin');
      const b = await activeUser(`b${round}@example.com`, 'admin');
      const x = await activeUser(`x${round}@example.com`);
      const own = await createSession(suite.db, deps, x, meta);
      await createSession(suite.db, deps, x, meta);
      const results = await Promise.all([
        setUserRole(suite.db, deps, { actorId: a, userId: x, role: 'admin', meta }),
        revokeUserSessions(suite.db, deps, { actorId: b, userId: x, meta }),
        revokeSession(suite.db, deps, { user: { id: x, email: `x${round}@example.com` }, sessionId: own.session.id, meta }),
        deactivateUser(suite.db, deps, { actorId: b, userId: a, meta }),
      ]);
      // a's change is refused if b deactivated a first.
      expect([{ ok: true }, { ok: false, reason: 'forbidden' }]).toContainEqual({ ok: results[0].ok, ...(results[0].ok ? {} : { reason: results[0].reason }) });
      expect(results[1]).toMatchObject({ ok: true });
      expect(await suite.db.selectFrom('sessions').select('id').where('user_id', '=', x).execute()).toEqual([]);
    }
  });

  it('survives two admins removing each other at the same moment', async () => {
    for (let round = 0; round < 4; round++) {
      await suite.db.deleteFrom('users').execute();
      const a = await activeUser(`a${round}@example.com`, 'admin');
      const b = await activeUser(`b${round}@example.com`, 'admin');
      const results = await Promise.all([
        removeUser(suite.db, deps, { actorId: a, userId: b, meta }),
        removeUser(suite.db, deps, { actorId: b, userId: a, meta }),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(await suite.db.selectFrom('users').select('id').where('role', '=', 'admin').execute()).toHaveLength(1);
    }
  });
});

describe('an admin who is no longer one', () => {
  /** Every admin write, by `actorId` on `userId`. */
  const writes = {
    setRole: (actorId: string, userId: string) => setUserRole(suite.db, deps, { actorId, userId, role: 'admin', meta }),
    deactivate: (actorId: string, userId: string) => deactivateUser(suite.db, deps, { actorId, userId, meta }),
    reactivate: (actorId: string, userId: string) => reactivateUser(suite.db, deps, { actorId, userId, meta }),
    remove: (actorId: string, userId: string) => removeUser(suite.db, deps, { actorId, userId, meta }),
    revokeSessions: (actorId: string, userId: string) => revokeUserSessions(suite.db, deps, { actorId, userId, meta }),
    invite: (actorId: string) => inviteUser(suite.db, deps, { actorId, email: 'newcomer@example.com', role: 'admin', meta }),
    changeEmail: (actorId: string, userId: string) => changeUserEmail(suite.db, deps, { actorId, userId, email: 'sam.new@example.com', meta }),
    // No provider here to ask (the console mailer's way): only the lifting in the database.
    clearSuppression: (actorId: string, userId: string) => clearSuppression(suite.db, deps, {}, { actorId, userId, meta }),
  };

  it('cannot finish a write after being demoted, deactivated or removed since the request began', async () => {
    const lost = {
      demoted: (id: string) => suite.db.updateTable('users').set({ role: 'user' }).where('id', '=', id).execute(),
      deactivated: (id: string) => suite.db.updateTable('users').set({ status: 'deactivated' }).where('id', '=', id).execute(),
      removed: (id: string) => suite.db.deleteFrom('users').where('id', '=', id).execute(),
    };
    for (const [how, loseRole] of Object.entries(lost)) {
      for (const [name, write] of Object.entries(writes)) {
        await sql`truncate users, sessions, audit_events, email_outbox, email_deliverability cascade`.execute(suite.db);
        const boss = await activeUser('boss@example.com', 'admin');
        const actor = await activeUser('actor@example.com', 'admin');
        const sam = await activeUser('sam@example.com');
        await createSession(suite.db, deps, sam, meta);
        if (name === 'reactivate') await suite.db.updateTable('users').set({ status: 'deactivated' }).where('id', '=', sam).execute();
        if (name === 'clearSuppression') await suppressAddress(suite.db, 'sam@example.com', deps.now());
        // The request's access check passed; then another admin acted before the write.
        await loseRole(actor);
        expect(await write(actor, sam), `${name} by a ${how} admin`).toEqual({ ok: false, reason: 'forbidden' });
        expect(await auditRows(), `${name} by a ${how} admin`).toEqual([]);
        const users = await suite.db.selectFrom('users').select(['email', 'role', 'status']).orderBy('email').execute();
        expect(users.map((u) => u.email)).toEqual([...(how === 'removed' ? [] : ['actor@example.com']), 'boss@example.com', 'sam@example.com']);
        expect(await suite.db.selectFrom('sessions').select('id').where('user_id', '=', sam).execute()).toHaveLength(1);
        expect(ok(await write(boss, sam)).ok, `${name} by an admin`).toBe(true);
      }
    }
  });

  it.skipIf(inject('testDatabaseTemplate').kind !== 'postgres')('waits for a demotion in flight and is then refused (needs DATABASE_URL)', async () => {
    const holder = await createDatabase({ url: suite.url!, poolSize: 1 });
    try {
      for (const [name, write] of Object.entries(writes)) {
        await sql`truncate users, sessions, audit_events, email_outbox, email_deliverability cascade`.execute(suite.db);
        await activeUser('boss@example.com', 'admin');
        const actor = await activeUser('actor@example.com', 'admin');
        const sam = await activeUser('sam@example.com');
        if (name === 'reactivate') await suite.db.updateTable('users').set({ status: 'deactivated' }).where('id', '=', sam).execute();
        if (name === 'clearSuppression') await suppressAddress(suite.db, 'sam@example.com', deps.now());
        // Another admin's demotion of the actor, written but not committed while the write starts.
        let commit!: () => void;
        const committed = new Promise<void>((resolve) => (commit = resolve));
        let demoted!: () => void;
        const isDemoted = new Promise<void>((resolve) => (demoted = resolve));
        const demotion = holder.transaction().execute(async (trx) => {
          await trx.updateTable('users').set({ role: 'user' }).where('id', '=', actor).execute();
          demoted();
          await committed;
        });
        await isDemoted;
        const result = write(actor, sam);
        await waitForLockWait(suite.db, name);
        commit();
        await demotion;
        expect(await result, name).toEqual({ ok: false, reason: 'forbidden' });
        expect(await auditRows(), name).toEqual([]);
      }
    } finally {
      await holder.destroy();
    }
  });

  it('races another admin demoting them: every write they finish is recorded before the demotion', async () => {
    for (let round = 0; round < 12; round++) {
      await sql`truncate users, sessions, audit_events, email_outbox cascade`.execute(suite.db);
      const boss = await activeUser('boss@example.com', 'admin');
      const actor = await activeUser('actor@example.com', 'admin');
      const sam = await activeUser('sam@example.com');
      await createSession(suite.db, deps, sam, meta);
      const results = await Promise.all([
        round % 2 === 0 ? writes.revokeSessions(actor, sam) : writes.invite(actor),
        round % 3 === 0 ? deactivateUser(suite.db, deps, { actorId: boss, userId: actor, meta }) : setUserRole(suite.db, deps, { actorId: boss, userId: actor, role: 'user', meta }),
      ]);
      expect(results[1].ok).toBe(true);
      const rows = await auditRows();
      const demotion = rows.findIndex((r) => r.actor_user_id === boss);
      const byActor = rows.findIndex((r) => r.actor_user_id === actor);
      if (results[0].ok) expect(byActor).toBeLessThan(demotion);
      else expect([results[0], byActor]).toEqual([{ ok: false, reason: 'forbidden' }, -1]);
    }
  });
});

describe('sessions', () => {
  it('lets a user end one of their own sessions but not someone else’s', async () => {
    const samId = await activeUser('sam@example.com');
    const kimId = await activeUser('kim@example.com');
    const sam = { id: samId, email: 'sam@example.com' };
    const mine = await createSession(suite.db, deps, samId, meta);
    const theirs = await createSession(suite.db, deps, kimId, meta);
    expect(await revokeSession(suite.db, deps, { user: sam, sessionId: theirs.session.id, meta })).toEqual({ ok: false, reason: 'not_found' });
    expect((await validateSessionToken(suite.db, deps, theirs.token)).session).not.toBeNull();
    expect(await revokeSession(suite.db, deps, { user: sam, sessionId: mine.session.id, meta })).toEqual({ ok: true });
    expect((await validateSessionToken(suite.db, deps, mine.token)).session).toBeNull();
    const [audit] = await auditRows('session_revoked');
    expect(audit).toMatchObject({ actor_user_id: samId, subject_user_id: samId, data: { scope: 'one', count: 1, device: 'Chrome 120 on macOS' } });
    expect(JSON.stringify(audit)).not.toContain(mine.token.split('.')[1]);
  });

  it('ends every other session and keeps the current one', async () => {
    const samId = await activeUser('sam@example.com');
    const current = await createSession(suite.db, deps, samId, meta);
    await createSession(suite.db, deps, samId, { ip: null, userAgent: null });
    await createSession(suite.db, deps, samId, meta);
    const sam = { id: samId, email: 'sam@example.com' };
    expect(await revokeOtherSessions(suite.db, deps, { user: sam, currentSessionId: current.session.id, meta })).toEqual({ revoked: 2 });
    const left = ok(await listUserSessions(suite.db, deps, { userId: samId, currentSessionId: current.session.id })).items;
    expect(left).toEqual([
      { id: current.session.id, createdAt: deps.now(), lastSeenAt: deps.now(), expiresAt: current.session.expiresAt, ip: meta.ip, device: 'Chrome 120 on macOS', current: true },
    ]);
    expect(await revokeOtherSessions(suite.db, deps, { user: sam, currentSessionId: current.session.id, meta })).toEqual({ revoked: 0 });
    expect(await auditRows('session_revoked')).toHaveLength(1);
  });

  it('lets an admin sign a user out everywhere', async () => {
    const adminId = await activeUser('boss@example.com', 'admin');
    const samId = await activeUser('sam@example.com');
    await createSession(suite.db, deps, samId, meta);
    await createSession(suite.db, deps, samId, meta);
    expect(await revokeUserSessions(suite.db, deps, { actorId: adminId, userId: samId, meta })).toEqual({ ok: true, revoked: 2 });
    expect(await auditRows('session_revoked')).toMatchObject([{ actor_user_id: adminId, subject_user_id: samId, data: { scope: 'all', count: 2 } }]);
  });
});

describe('the audit log', () => {
  it('lists newest first, filters by user and type, and pages by cursor', async () => {
    const adminId = await activeUser('boss@example.com', 'admin');
    const samId = await activeUser('sam@example.com');
    await setUserRole(suite.db, deps, { actorId: adminId, userId: samId, role: 'admin', meta });
    await deactivateUser(suite.db, deps, { actorId: adminId, userId: samId, meta });
    await reactivateUser(suite.db, deps, { actorId: adminId, userId: samId, meta });
    await inviteUser(suite.db, deps, { actorId: adminId, email: 'new@example.com', role: 'user', meta });

    const all = ok(await listAudit(suite.db, {}));
    expect(all.items.map((e) => e.type)).toEqual(['user_invited', 'user_reactivated', 'user_deactivated', 'role_changed']);
    expect(all.items[3]).toEqual({
      id: expect.any(String),
      type: 'role_changed',
      at: deps.now(),
      actor: { id: adminId, email: 'boss@example.com' },
      subject: { id: samId, email: 'sam@example.com' },
      ip: meta.ip,
      userAgent: meta.userAgent,
      device: 'Chrome 120 on macOS',
      data: { from: 'user', to: 'admin', sessionsRevoked: 0 },
    });
    expect(ok(await listAudit(suite.db, { userId: samId })).items).toHaveLength(3);
    expect(ok(await listAudit(suite.db, { userId: adminId })).items).toHaveLength(4);
    expect(ok(await listAudit(suite.db, { type: 'user_invited' })).items).toHaveLength(1);
    expect(ok(await listAudit(suite.db, { type: 'user_removed' })).items).toEqual([]);

    const first = ok(await listAudit(suite.db, { limit: 3 }));
    const second = ok(await listAudit(suite.db, { limit: 3, cursor: first.nextCursor! }));
    expect([...first.items, ...second.items].map((e) => e.id)).toEqual(all.items.map((e) => e.id));
    expect(second.nextCursor).toBeNull();
  });

  it('refuses tampered cursors and malformed user ids', async () => {
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    for (const cursor of ['%%%', enc(['-1']), enc(['99999999999999999999']), enc([1]), enc(['1', '2'])]) {
      expect(await listAudit(suite.db, { cursor })).toEqual({ ok: false, reason: 'bad_request' });
    }
    expect(await listAudit(suite.db, { userId: 'nope' })).toEqual({ ok: false, reason: 'bad_request' });
  });
});
