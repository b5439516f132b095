import { addUser } from '@app/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROME_ON_MAC, signInAs } from './support/sign-in-as';
import { startTestApp, type TestApp } from './support/test-app';
import { reasonOf, type TestBrowser } from './support/test-browser';

let app: TestApp;
let admin: Awaited<ReturnType<typeof signInAs>>;
let n = 0;
const nextEmail = (what = 'person') => `${what}${++n}@example.com`;

beforeAll(async () => {
  // Some people here sign in more than once within a minute.
  app = await startTestApp({ env: { AUTH_RESEND_COOLDOWN_SECONDS: '0', AUTH_LIMIT_CODES_PER_EMAIL: '100/1h', AUTH_LIMIT_CODES_PER_MAILBOX: '100/1h' } });
  // The first admin, made from ADMIN_EMAIL at start-up.
  admin = await signInAs(app, 'admin@app.test');
});
afterAll(() => app.close());

async function registered(role: 'admin' | 'user' = 'user'): Promise<{ id: string; email: string }> {
  const email = nextEmail(role);
  const { user } = await addUser(app.db, email, role, new Date());
  return { id: user.id, email };
}

function call(browser: TestBrowser, kind: 'query' | 'mutation', path: string, input: unknown, headers: Record<string, string> = {}) {
  return kind === 'query' ? browser.query(path, input) : browser.mutate(path, input, headers);
}

describe('who may call admin procedures', () => {
  it('refuses users (403 forbidden) and signed-out callers (401 unauthenticated), and changes nothing', async () => {
    const target = await registered();
    const user = await signInAs(app, nextEmail());
    const anonymous = app.browser();
    const invitee = nextEmail('invitee');
    const calls: Array<['query' | 'mutation', string, unknown]> = [
      ['query', 'admin.users.list', {}],
      ['mutation', 'admin.users.invite', { email: invitee, role: 'admin' }],
      ['mutation', 'admin.users.setRole', { userId: target.id, role: 'admin' }],
      ['mutation', 'admin.users.deactivate', { userId: target.id }],
      ['mutation', 'admin.users.reactivate', { userId: target.id }],
      ['mutation', 'admin.users.remove', { userId: target.id }],
      ['query', 'admin.users.sessions', { userId: target.id }],
      ['mutation', 'admin.users.revokeSessions', { userId: target.id }],
      ['query', 'admin.audit.list', {}],
    ];
    for (const [kind, path, input] of calls) {
      const asUser = await call(user.browser, kind, path, input);
      expect({ path, status: asUser.status, reason: reasonOf(asUser) }).toEqual({ path, status: 403, reason: 'forbidden' });
      const signedOut = await call(anonymous, kind, path, input);
      expect({ path, status: signedOut.status, reason: reasonOf(signedOut) }).toEqual({ path, status: 401, reason: 'unauthenticated' });
    }
    const after = await app.db.selectFrom('users').select(['role', 'status']).where('id', '=', target.id).executeTakeFirstOrThrow();
    expect(after).toEqual({ role: 'user', status: 'invited' });
    expect(await app.db.selectFrom('users').select('id').where('email', '=', invitee).execute()).toEqual([]);
  });
});

describe('admin.users as an admin', () => {
  it('lists users with what the table shows', async () => {
    const { items, nextCursor } = await admin.browser.trpc.admin.users.list.query({ search: 'ADMIN@APP' });
    expect(nextCursor).toBeNull();
    expect(items).toEqual([
      {
        id: admin.id,
        email: 'admin@app.test',
        role: 'admin',
        status: 'active',
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
        lastSignInAt: expect.stringMatching(/Z$/),
        timezone: 'Europe/Berlin',
        activeSessions: 1,
        // No webhook reported on the address yet.
        delivery: { lastDeliveredAt: null, lastBouncedAt: null, bounceType: null, complainedAt: null, suppressedAt: null, suppressionReason: null },
      },
    ]);
  });

  it('pages through every user with no duplicates or gaps, and refuses tampered cursors', async () => {
    for (let i = 0; i < 23; i++) await registered();
    const expected = (await app.db.selectFrom('users').select('id').execute()).map((u) => u.id).sort();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Array<{ id: string }>; nextCursor: string | null } = await admin.browser.trpc.admin.users.list.query({
        limit: 7,
        ...(cursor ? { cursor } : {}),
      });
      expect(page.items.length).toBeLessThanOrEqual(7);
      seen.push(...page.items.map((u) => u.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.length).toBe(expected.length);
    expect([...seen].sort()).toEqual(expected);

    const first = await admin.browser.trpc.admin.users.list.query({ limit: 2 });
    const tampered = [
      `${first.nextCursor}x`,
      'A'.repeat(40),
      Buffer.from('["2026-01-01T00:00:00.000000Z","not-a-uuid"]').toString('base64url'),
      Buffer.from('["9999-99-99T00:00:00.000000Z","0b8c5a8e-4f0a-4d4e-9a55-2a7c0d9f0f11"]').toString('base64url'),
    ];
    for (const bad of tampered) {
      const reply = await admin.browser.query('admin.users.list', { cursor: bad });
      expect([reply.status, reasonOf(reply)]).toEqual([400, 'bad_request']);
    }
    for (const limit of [0, 101]) {
      const reply = await admin.browser.query('admin.users.list', { limit });
      expect([reply.status, reasonOf(reply)]).toEqual([400, 'bad_request']);
    }
  });

  it('invites: the user is created invited, gets the email, and becomes active on first sign-in', async () => {
    const email = nextEmail('invitee');
    const { user } = await admin.browser.trpc.admin.users.invite.mutate({ email: email.toUpperCase(), role: 'user' });
    expect(user).toMatchObject({ email, role: 'user', status: 'invited', lastSignInAt: null, activeSessions: 0 });
    const mail = await app.postmark.waitForMessage((m) => m.To === email, 10_000);
    expect(mail.Subject).toBe('You have been invited to Acme');
    expect(mail.TextBody).toContain('Sign in to Acme:\nhttp://app.test/sign-in\n');
    expect(mail.HtmlBody).toContain('href="http://app.test/sign-in"');

    const again = await admin.browser.mutate('admin.users.invite', { email, role: 'admin' });
    expect([again.status, reasonOf(again)]).toEqual([409, 'already_exists']);
    const bad = await admin.browser.mutate('admin.users.invite', { email: 'not an email', role: 'user' });
    expect([bad.status, reasonOf(bad)]).toEqual([400, 'invalid_email']);

    await signInAs(app, email);
    const [listed] = (await admin.browser.trpc.admin.users.list.query({ search: email })).items;
    expect(listed).toMatchObject({ status: 'active', activeSessions: 1 });
  });

  it('invites without an email when asked', async () => {
    const email = nextEmail('quiet');
    await admin.browser.trpc.admin.users.invite.mutate({ email, role: 'admin', sendEmail: false });
    const outbox = await app.db.selectFrom('email_outbox').select('id').where('recipient', '=', email).execute();
    expect(outbox).toEqual([]);
  });

  it('changing a role signs the user out at once', async () => {
    const target = await signInAs(app, nextEmail());
    expect(await target.browser.trpc.auth.me.query()).toMatchObject({ role: 'user' });
    const { user } = await admin.browser.trpc.admin.users.setRole.mutate({ userId: target.id, role: 'admin' });
    expect(user).toMatchObject({ role: 'admin', activeSessions: 0 });
    expect(await target.browser.trpc.auth.me.query()).toBeNull();
    const reply = await target.browser.query('account.sessions.list');
    expect([reply.status, reasonOf(reply)]).toEqual([401, 'unauthenticated']);
  });

  it('deactivating ends the sessions, refuses new codes and old cookies; reactivating lets them back', async () => {
    const email = nextEmail();
    const target = await signInAs(app, email);
    const oldCookie = target.browser.cookies.get('session')!;
    const { user } = await admin.browser.trpc.admin.users.deactivate.mutate({ userId: target.id });
    expect(user).toMatchObject({ status: 'deactivated', activeSessions: 0 });

    expect(await target.browser.trpc.auth.me.query()).toBeNull();
    const thief = app.browser();
    thief.cookies.set('session', oldCookie);
    expect(reasonOf(await thief.query('account.sessions.list'))).toBe('unauthenticated');
    const code = await app.browser().mutate('auth.requestCode', { email });
    expect([code.status, reasonOf(code)]).toEqual([403, 'not_registered']);

    const reactivated = await admin.browser.trpc.admin.users.reactivate.mutate({ userId: target.id });
    expect(reactivated.user.status).toBe('active');
    await signInAs(app, email);
  });

  it('shows and revokes a user’s sessions', async () => {
    const target = await signInAs(app, nextEmail(), { userAgent: CHROME_ON_MAC });
    const { items } = await admin.browser.trpc.admin.users.sessions.query({ userId: target.id });
    expect(items).toEqual([
      {
        id: expect.any(String),
        createdAt: expect.any(String),
        lastSeenAt: expect.any(String),
        expiresAt: expect.any(String),
        ip: expect.any(String),
        device: 'Chrome 120 on macOS',
        current: false,
      },
    ]);
    expect(JSON.stringify(items)).not.toContain(target.browser.cookies.get('session')!.split('.')[1]);
    expect(await admin.browser.trpc.admin.users.revokeSessions.mutate({ userId: target.id })).toEqual({ revoked: 1 });
    expect(await target.browser.trpc.auth.me.query()).toBeNull();
    expect((await admin.browser.trpc.admin.users.sessions.query({ userId: admin.id })).items).toMatchObject([{ current: true }]);
  });

  it('removes a user: their session stops working and the id is gone', async () => {
    const target = await signInAs(app, nextEmail());
    expect(await admin.browser.trpc.admin.users.remove.mutate({ userId: target.id })).toEqual({ ok: true });
    expect(await target.browser.trpc.auth.me.query()).toBeNull();
    for (const [kind, path] of [
      ['mutation', 'admin.users.remove'],
      ['mutation', 'admin.users.setRole'],
      ['mutation', 'admin.users.deactivate'],
      ['mutation', 'admin.users.reactivate'],
      ['mutation', 'admin.users.revokeSessions'],
      ['query', 'admin.users.sessions'],
    ] as const) {
      const reply = await call(admin.browser, kind, path, { userId: target.id, role: 'user' });
      expect({ path, status: reply.status, reason: reasonOf(reply) }).toEqual({ path, status: 404, reason: 'not_found' });
    }
    const malformed = await admin.browser.mutate('admin.users.deactivate', { userId: "1' or '1'='1" });
    expect([malformed.status, reasonOf(malformed)]).toEqual([404, 'not_found']);
  });
});

describe('the last active admin', () => {
  it('cannot demote, deactivate or remove themselves while alone (409 last_admin)', async () => {
    await app.db.updateTable('users').set({ role: 'user' }).where('role', '=', 'admin').where('id', '!=', admin.id).execute();
    for (const [path, input] of [
      ['admin.users.setRole', { userId: admin.id, role: 'user' }],
      ['admin.users.deactivate', { userId: admin.id }],
      ['admin.users.remove', { userId: admin.id }],
    ] as const) {
      const reply = await admin.browser.mutate(path, input);
      expect({ path, status: reply.status, reason: reasonOf(reply) }).toEqual({ path, status: 409, reason: 'last_admin' });
    }
    expect(await admin.browser.trpc.auth.me.query()).toMatchObject({ role: 'admin' });
  });

  it('can step down once another admin is active, and is signed out by it', async () => {
    const deputy = await signInAs(app, nextEmail('deputy'), { role: 'admin' });
    const { user } = await deputy.browser.trpc.admin.users.setRole.mutate({ userId: deputy.id, role: 'user' });
    expect(user.role).toBe('user');
    expect(await deputy.browser.trpc.auth.me.query()).toBeNull();
    // And now admin@app.test is alone again.
    const reply = await admin.browser.mutate('admin.users.deactivate', { userId: admin.id });
    expect(reasonOf(reply)).toBe('last_admin');
  });
});

describe('admin.audit.list', () => {
  it('records each change with actor, subject, IP and user agent, and never a code', async () => {
    const target = await signInAs(app, nextEmail());
    const ua = { 'user-agent': CHROME_ON_MAC };
    const invited = nextEmail('audited');
    await admin.browser.mutate('admin.users.invite', { email: invited, role: 'user' }, ua);
    await admin.browser.mutate('admin.users.setRole', { userId: target.id, role: 'admin' }, ua);
    await admin.browser.mutate('admin.users.setRole', { userId: target.id, role: 'user' }, ua);
    await admin.browser.mutate('admin.users.deactivate', { userId: target.id }, ua);
    await admin.browser.mutate('admin.users.reactivate', { userId: target.id }, ua);
    await admin.browser.mutate('admin.users.revokeSessions', { userId: target.id }, ua);
    await admin.browser.mutate('admin.users.remove', { userId: target.id }, ua);

    const about = await admin.browser.trpc.admin.audit.list.query({ userId: target.id, limit: 100 });
    // The user is removed: their rows keep the email, the subject id is gone.
    expect(about.items).toEqual([]);
    const { items } = await admin.browser.trpc.admin.audit.list.query({ limit: 100 });
    const changes = items.filter((e) => e.actor?.id === admin.id && [target.email, invited].includes(e.subject.email ?? '')).reverse();
    expect(changes.map((e) => e.type)).toEqual([
      'user_invited',
      'role_changed',
      'role_changed',
      'user_deactivated',
      'user_reactivated',
      'session_revoked',
      'user_removed',
    ]);
    for (const entry of changes) {
      expect(entry).toMatchObject({ actor: { id: admin.id, email: 'admin@app.test' }, ip: expect.stringContaining('127.0.0.1'), userAgent: CHROME_ON_MAC, device: 'Chrome 120 on macOS' });
      expect(entry.at).toMatch(/Z$/);
    }
    expect(changes[1]).toMatchObject({ subject: { id: null, email: target.email }, data: { from: 'user', to: 'admin', sessionsRevoked: 1 } });
    expect(changes[6]!.data).toMatchObject({ removedUserId: target.id });

    // Sign-in events are there too, and nothing in the log is a code that was emailed.
    const signIns = await admin.browser.trpc.admin.audit.list.query({ type: 'sign_in_succeeded', limit: 100 });
    expect(signIns.items.some((e) => e.subject.email === target.email)).toBe(true);
    const codes = app.postmark.messages.map((m) => /^\s*(\d{6})\s*$/m.exec(m.TextBody ?? '')?.[1]).filter((c): c is string => !!c);
    expect(codes.length).toBeGreaterThan(5);
    const logged = JSON.stringify(items.map((e) => [e.data, e.userAgent, e.ip, e.subject.email]));
    for (const code of codes) expect(logged).not.toContain(code);
  });

  it('pages by cursor and refuses a tampered one', async () => {
    const first = await admin.browser.trpc.admin.audit.list.query({ limit: 3 });
    const second = await admin.browser.trpc.admin.audit.list.query({ limit: 3, cursor: first.nextCursor! });
    const both = await admin.browser.trpc.admin.audit.list.query({ limit: 6 });
    expect([...first.items, ...second.items].map((e) => e.id)).toEqual(both.items.map((e) => e.id));
    for (const cursor of ['%%', Buffer.from('["-5"]').toString('base64url'), Buffer.from('["1e999"]').toString('base64url')]) {
      const reply = await admin.browser.query('admin.audit.list', { cursor });
      expect([reply.status, reasonOf(reply)]).toEqual([400, 'bad_request']);
    }
    // The type filter takes only the audit log's own types (AUDIT_EVENT_TYPES).
    const unknownType = await admin.browser.query('admin.audit.list', { type: 'no_such_type' });
    expect([unknownType.status, reasonOf(unknownType)]).toEqual([400, 'bad_request']);
  });
});
