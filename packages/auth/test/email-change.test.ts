import { createDatabase, type Role } from '@app/db';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import {
  addUser,
  changeUserEmail,
  confirmEmailChange,
  createSession,
  requestCode,
  requestEmailChange,
  validateSessionToken,
  verifyCode,
} from '../src/index';
import { latestCode, suppressAddress, type TestDeps, useDatabaseSuite, waitForLockWait } from './helpers';

const CHROME_ON_MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const meta = { ip: '198.51.100.4', userAgent: CHROME_ON_MAC };
let deps: TestDeps;

const suite = useDatabaseSuite();
beforeEach(() => {
  deps = suite.deps;
});

/** A signed-in user with `sessions` sessions (the first is the one that asks). */
async function signedIn(email: string, sessions = 1, role: Role = 'user') {
  const { user } = await addUser(suite.db, email, role, new Date());
  await suite.db.updateTable('users').set({ status: 'active', activated_at: deps.now(), timezone: 'Europe/Berlin' }).where('id', '=', user.id).execute();
  const created = [];
  for (let i = 0; i < sessions; i++) created.push(await createSession(suite.db, deps, user.id, meta));
  return { user: { id: user.id, email }, sessions: created, sessionId: created[0]!.session.id };
}

type Person = Awaited<ReturnType<typeof signedIn>>;

function request(person: Person, newEmail: unknown, sessionId = person.sessionId) {
  return requestEmailChange(suite.db, deps, { user: person.user, sessionId, newEmail, meta });
}

function confirm(person: Person, code: unknown, sessionId = person.sessionId) {
  return confirmEmailChange(suite.db, deps, { user: person.user, sessionId, code, meta });
}

/** Asks for a change to `newEmail` `count` times, a minute apart (the cooldown), and returns the codes sent. */
async function resends(person: Person, newEmail: string, count: number): Promise<string[]> {
  const codes = [];
  for (let i = 0; i < count; i++) {
    await request(person, newEmail);
    codes.push(await latestCode(suite.db, newEmail));
    deps.clock.advance(60);
  }
  return codes;
}

async function emailOf(userId: string) {
  return (await suite.db.selectFrom('users').select('email').where('id', '=', userId).executeTakeFirstOrThrow()).email;
}

async function outbox(recipient: string) {
  return suite.db.selectFrom('email_outbox').select(['kind', 'subject', 'text_body', 'html_body']).where('recipient', '=', recipient).orderBy('id').execute();
}

async function audit(type: string) {
  return suite.db.selectFrom('audit_events').select(['actor_user_id', 'subject_user_id', 'email', 'data', 'ip', 'user_agent']).where('type', '=', type).orderBy('id').execute();
}

/** Randomness whose next `size` bytes are all `byte` once, then real again: the next code is known. */
function nextCodeIs(digit: number) {
  const real = deps.randomBytes;
  let used = false;
  deps.randomBytes = (size) => {
    if (used) return real(size);
    used = true;
    return Buffer.alloc(size, digit);
  };
  return String(digit).repeat(deps.options.code.length);
}

describe('requesting an email change', () => {
  it('refuses a missing, malformed or unchanged address with its reason, sending nothing', async () => {
    const ada = await signedIn('ada@example.com');
    expect(await request(ada, ' ')).toEqual({ ok: false, reason: 'missing_email' });
    expect(await request(ada, 'not-an-email')).toEqual({ ok: false, reason: 'invalid_email' });
    expect(await request(ada, ' ADA@example.com ')).toEqual({ ok: false, reason: 'same_email' });
    expect(await suite.db.selectFrom('email_outbox').select('id').execute()).toEqual([]);
  });

  it('sends a code to the new address, stored only as an HMAC and bound to the session', async () => {
    const ada = await signedIn('ada@example.com');
    expect(await request(ada, ' Ada.New@Example.com')).toEqual({ ok: true, email: 'ada.new@example.com', codeLength: 6, expiresInSeconds: 900, resendAfterSeconds: 60 });
    const code = await latestCode(suite.db, 'ada.new@example.com');
    const [email] = await outbox('ada.new@example.com');
    expect(email).toMatchObject({ kind: 'email_change_code', subject: 'Confirm your new email address for Acme' });
    expect(email!.text_body).toContain('works only in the browser that asked for it');
    // Nothing about the account it is for: whoever reads this inbox learns no other address.
    expect(email!.text_body).not.toContain('ada@example.com');
    const attempt = await suite.db.selectFrom('sign_in_attempts').selectAll().executeTakeFirstOrThrow();
    expect(attempt).toMatchObject({ kind: 'email_change', email: 'ada.new@example.com', user_id: ada.user.id, session_id: ada.sessionId });
    const codes = await suite.db.selectFrom('sign_in_codes').select('code_hash').execute();
    expect(codes).toHaveLength(1);
    expect(Buffer.from(codes[0]!.code_hash).toString('hex')).not.toContain(Buffer.from(code).toString('hex'));
    expect(await audit('code_requested')).toMatchObject([{ subject_user_id: ada.user.id, email: 'ada.new@example.com', data: { kind: 'email_change', resend: false, inUse: false } }]);
  });

  it('answers an address that has an account exactly as a free one, and tells its owner instead of sending a code', async () => {
    const ada = await signedIn('ada@example.com');
    await addUser(suite.db, 'bob@example.com', 'user', new Date());
    const free = await request(ada, 'free@example.com');
    deps.clock.advance(60);
    const taken = await request(ada, 'bob@example.com');
    expect({ ...taken, email: '<email>' }).toEqual({ ...free, email: '<email>' });
    const [notice, ...more] = await outbox('bob@example.com');
    expect(more).toEqual([]);
    expect(notice).toMatchObject({ kind: 'email_in_use', subject: 'Someone tried to use your email address on Acme' });
    // Not filed under Ada: what Postmark later reports about Bob's address is not hers.
    const filed = await suite.db.selectFrom('email_outbox').select('user_id').where('recipient', '=', 'bob@example.com').executeTakeFirstOrThrow();
    expect(filed.user_id).toBeNull();
    expect(notice!.text_body).not.toMatch(/\d{6}/);
    expect(notice!.text_body).not.toContain('ada@example.com');
    // An attempt (with a code nobody is sent) exists all the same, so both paths do the same work.
    expect(await suite.db.selectFrom('sign_in_attempts').select('email').where('email', '=', 'bob@example.com').execute()).toHaveLength(1);
    expect((await audit('code_requested')).map((r) => r.data)).toEqual([
      { kind: 'email_change', resend: false, inUse: false },
      { kind: 'email_change', resend: false, inUse: true },
    ]);
  });

  it('says a suppressed address cannot get email where addresses are revealed, and answers as for any other where not', async () => {
    const ada = await signedIn('ada@example.com');
    await suppressAddress(suite.db, 'bounced@example.com', deps.now());
    expect(await request(ada, 'bounced@example.com')).toEqual({ ok: false, reason: 'email_undeliverable' });
    expect(await outbox('bounced@example.com')).toEqual([]);
    // Asking counted against the user's cooldown, as any request does.
    deps.clock.advance(60);
    const hidden = { ...deps, options: { ...deps.options, revealUnregistered: false } };
    const free = await requestEmailChange(suite.db, hidden, { user: ada.user, sessionId: ada.sessionId, newEmail: 'free@example.com', meta });
    deps.clock.advance(60);
    const suppressed = await requestEmailChange(suite.db, hidden, { user: ada.user, sessionId: ada.sessionId, newEmail: 'bounced@example.com', meta });
    expect({ ...suppressed, email: '<email>' }).toEqual({ ...free, email: '<email>' });
  });

  it('counts against the user and the new address, sharing the address’s allowance with sign-in codes', async () => {
    const ada = await signedIn('ada@example.com');
    expect(await request(ada, 'one@example.com')).toMatchObject({ ok: true });
    // The user's cooldown, whatever the address.
    expect(await request(ada, 'two@example.com')).toMatchObject({ ok: false, reason: 'rate_limited', retryAfterSeconds: 60 });
    for (let i = 2; i <= 5; i++) {
      deps.clock.advance(60);
      expect(await request(ada, `n${i}@example.com`)).toMatchObject({ ok: true });
    }
    // Five change requests an hour per user, to any addresses.
    deps.clock.advance(60);
    expect(await request(ada, 'n6@example.com')).toMatchObject({ ok: false, reason: 'rate_limited' });

    // The address's cooldown: a sign-in code just sent to it blocks a change request to it.
    const kim = await signedIn('kim@example.com');
    await addUser(suite.db, 'taken@example.com', 'user', new Date());
    expect(await requestCode(suite.db, deps, { email: 'taken@example.com', attemptToken: undefined, meta })).toMatchObject({ ok: true });
    expect(await request(kim, 'taken@example.com')).toMatchObject({ ok: false, reason: 'rate_limited' });
    // And its inbox, however spelled.
    deps.clock.advance(60);
    deps.options.limits.codesPerMailbox = { limit: 1, windowSeconds: 3600 };
    expect(await request(kim, 'taken+x@example.com')).toMatchObject({ ok: false, reason: 'rate_limited' });
  });

  it('counts against the client’s network', async () => {
    deps.options.limits.codesPerIp = { limit: 1, windowSeconds: 3600 };
    const ada = await signedIn('ada@example.com');
    const kim = await signedIn('kim@example.com');
    expect(await request(ada, 'one@example.com')).toMatchObject({ ok: true });
    expect(await request(kim, 'two@example.com')).toMatchObject({ ok: false, reason: 'rate_limited' });
  });
});

describe('confirming an email change', () => {
  it('moves the account, ends every other session, records it and tells the old address', async () => {
    const ada = await signedIn('ada@example.com', 3);
    const kim = await signedIn('kim@example.com');
    await request(ada, 'ada.new@example.com');
    deps.clock.advance(30);
    const result = await confirm(ada, await latestCode(suite.db, 'ada.new@example.com'));
    expect(result).toEqual({ ok: true, user: { id: ada.user.id, email: 'ada.new@example.com', role: 'user', status: 'active', timezone: 'Europe/Berlin' } });
    expect(await emailOf(ada.user.id)).toBe('ada.new@example.com');
    const sessions = await suite.db.selectFrom('sessions').select(['id', 'user_id']).execute();
    expect(sessions.filter((s) => s.user_id === ada.user.id).map((s) => s.id)).toEqual([ada.sessionId]);
    expect(sessions.filter((s) => s.user_id === kim.user.id)).toHaveLength(1);
    expect((await validateSessionToken(suite.db, deps, ada.sessions[0]!.token)).user?.email).toBe('ada.new@example.com');
    expect(await audit('email_changed')).toEqual([
      {
        actor_user_id: ada.user.id,
        subject_user_id: ada.user.id,
        email: 'ada@example.com',
        data: { from: 'ada@example.com', to: 'ada.new@example.com', by: 'self', sessionsEnded: 2 },
        ip: meta.ip,
        user_agent: CHROME_ON_MAC,
      },
    ]);
    const [notice] = await outbox('ada@example.com');
    expect(notice).toMatchObject({ kind: 'email_changed', subject: 'Your email address for Acme was changed' });
    // 10:00:30 UTC is 11:00 in Berlin, the user's time zone.
    expect(notice!.text_body).toContain('When: Monday, 5 January 2026 at 11:00 (Europe/Berlin)');
    expect(notice!.text_body).toContain('Device: Chrome 120 on macOS\nIP address: 198.51.100.4');
    expect(notice!.text_body).toContain("If this wasn't you, contact an admin of Acme right away");
    expect(notice!.html_body).toContain('ada.new@example.com');
    // Used once.
    expect(await confirm(ada, await latestCode(suite.db, 'ada.new@example.com'))).toMatchObject({ ok: false, reason: 'invalid_or_expired_code' });
  });

  it('stops codes already sent to the old address from signing anyone in', async () => {
    const ada = await signedIn('ada@example.com');
    const signIn = await requestCode(suite.db, deps, { email: 'ada@example.com', attemptToken: undefined, meta });
    if (!signIn.ok) throw new Error(signIn.reason);
    const oldCode = await latestCode(suite.db, 'ada@example.com');
    deps.clock.advance(60);
    await request(ada, 'ada.new@example.com');
    expect(await confirm(ada, await latestCode(suite.db, 'ada.new@example.com'))).toMatchObject({ ok: true });
    const verified = await verifyCode(suite.db, deps, { email: 'ada@example.com', code: oldCode, timezone: 'UTC', attemptToken: signIn.attempt.token, sessionToken: undefined, meta });
    expect(verified).toMatchObject({ ok: false, reason: 'invalid_or_expired_code' });
    expect(await suite.db.selectFrom('sessions').select('id').where('user_id', '=', ada.user.id).execute()).toHaveLength(1);
  });

  it('works only in the session that asked, and its code never signs anyone in', async () => {
    const ada = await signedIn('ada@example.com', 2);
    await request(ada, 'ada.new@example.com');
    const code = await latestCode(suite.db, 'ada.new@example.com');
    const otherSession = ada.sessions[1]!.session.id;
    expect(await confirm(ada, code, otherSession)).toEqual({ ok: false, reason: 'invalid_or_expired_code', detail: 'no email change pending' });
    const attempt = await suite.db.selectFrom('sign_in_attempts').select('id').executeTakeFirstOrThrow();
    // Even with a cookie naming the attempt (its secret was never given out), sign-in refuses it.
    const forged = `${attempt.id}.${'a'.repeat(26)}`;
    expect(await verifyCode(suite.db, deps, { email: 'ada.new@example.com', code, timezone: 'UTC', attemptToken: forged, sessionToken: undefined, meta })).toMatchObject({
      ok: false,
      reason: 'invalid_or_expired_code',
    });
    expect(await confirm(ada, code)).toMatchObject({ ok: true });
  });

  it('ends with the session: a signed-out session’s change is gone', async () => {
    const ada = await signedIn('ada@example.com');
    await request(ada, 'ada.new@example.com');
    await suite.db.deleteFrom('sessions').where('id', '=', ada.sessionId).execute();
    expect(await suite.db.selectFrom('sign_in_attempts').select('id').execute()).toEqual([]);
  });

  it('voids the change after five wrong codes, charging the new address’s wrong-code allowance', async () => {
    const ada = await signedIn('ada@example.com');
    await request(ada, 'ada.new@example.com');
    const code = await latestCode(suite.db, 'ada.new@example.com');
    const wrong = code === '000000' ? '111111' : '000000';
    const replies = [];
    for (let i = 0; i < 6; i++) replies.push((await confirm(ada, wrong)) as { reason: string });
    expect(replies.map((r) => r.reason)).toEqual([...Array(4).fill('invalid_or_expired_code'), 'too_many_attempts', 'too_many_attempts']);
    expect(await confirm(ada, code)).toEqual({ ok: false, reason: 'too_many_attempts' });
    expect(await emailOf(ada.user.id)).toBe('ada@example.com');
    expect((await audit('email_change_failed')).map((r) => r.data)).toEqual([1, 2, 3, 4].map((failedCount) => ({ failedCount })));
    expect(await audit('attempt_voided')).toHaveLength(1);
    const limits = await suite.db.selectFrom('rate_limits').select('key').where('key', 'like', 'wrong%').orderBy('key').execute();
    expect(limits.map((l) => l.key)).toEqual(['wrong-day:ada.new@example.com', 'wrong:ada.new@example.com']);
  });

  it('refuses a right code once the new address has used up its wrong codes', async () => {
    deps.options.limits.wrongCodesPerEmail = { limit: 2, windowSeconds: 3600 };
    const ada = await signedIn('ada@example.com');
    await request(ada, 'ada.new@example.com');
    const code = await latestCode(suite.db, 'ada.new@example.com');
    const wrong = code === '000000' ? '111111' : '000000';
    await confirm(ada, wrong);
    await confirm(ada, wrong);
    expect(await confirm(ada, code)).toMatchObject({ ok: false, reason: 'rate_limited' });
  });

  it('expires with its code, and accepts the last three codes of a resend', async () => {
    const ada = await signedIn('ada@example.com');
    const codes = await resends(ada, 'ada.new@example.com', 4);
    expect(await suite.db.selectFrom('sign_in_attempts').select('id').execute()).toHaveLength(1);
    expect((await audit('code_requested')).map((r) => (r.data as { resend: boolean }).resend)).toEqual([false, true, true, true]);
    // The oldest is out of the window (unless a later code happens to be the same digits).
    if (!codes.slice(1).includes(codes[0]!)) expect(await confirm(ada, codes[0])).toMatchObject({ ok: false, reason: 'invalid_or_expired_code' });
    // 15 minutes after the last code (sent a minute ago).
    deps.clock.advance(900 - 60);
    expect(await confirm(ada, codes[3])).toMatchObject({ ok: false, reason: 'invalid_or_expired_code' });
    expect(await emailOf(ada.user.id)).toBe('ada@example.com');
  });

  it('accepts a code of the last three while still valid', async () => {
    const ada = await signedIn('ada@example.com');
    const codes = await resends(ada, 'ada.new@example.com', 3);
    expect(await confirm(ada, codes[0])).toMatchObject({ ok: true });
  });

  it('takes the latest address asked for: a code for an earlier one no longer works', async () => {
    const ada = await signedIn('ada@example.com');
    await request(ada, 'first@example.com');
    const first = await latestCode(suite.db, 'first@example.com');
    deps.clock.advance(60);
    await request(ada, 'second@example.com');
    const second = await latestCode(suite.db, 'second@example.com');
    if (first !== second) expect(await confirm(ada, first)).toMatchObject({ ok: false, reason: 'invalid_or_expired_code' });
    expect(await confirm(ada, second)).toMatchObject({ ok: true, user: { email: 'second@example.com' } });
  });

  it('fails as a wrong code would for an address that had an account when asked, even with the right code', async () => {
    const ada = await signedIn('ada@example.com');
    const bob = await signedIn('bob@example.com');
    // The code stored for the taken address is one nobody was sent; here the test knows it.
    const code = nextCodeIs(7);
    await request(ada, 'bob@example.com');
    expect(await confirm(ada, code)).toEqual({ ok: false, reason: 'invalid_or_expired_code', detail: 'address taken' });
    expect(await emailOf(ada.user.id)).toBe('ada@example.com');
    expect(await emailOf(bob.user.id)).toBe('bob@example.com');
    expect(await audit('email_change_failed')).toMatchObject([{ subject_user_id: ada.user.id, email: 'bob@example.com', data: { failedCount: 1 } }]);
    expect(await audit('email_changed')).toEqual([]);
  });

  it('fails as a wrong code would when the address is taken between request and confirm, with no duplicate', async () => {
    const ada = await signedIn('ada@example.com');
    await request(ada, 'ada.new@example.com');
    const code = await latestCode(suite.db, 'ada.new@example.com');
    const { user: other } = await addUser(suite.db, 'ada.new@example.com', 'user', new Date());
    expect(await confirm(ada, code)).toMatchObject({ ok: false, reason: 'invalid_or_expired_code' });
    const owners = await suite.db.selectFrom('users').select('id').where('email', '=', 'ada.new@example.com').execute();
    expect(owners).toEqual([{ id: other.id }]);
    expect(await emailOf(ada.user.id)).toBe('ada@example.com');
    // Nothing half-written: the attempt was not used up, no session ended, nothing was sent.
    expect(await suite.db.selectFrom('sign_in_attempts').select(['consumed_at', 'failed_count']).execute()).toEqual([{ consumed_at: null, failed_count: 1 }]);
    expect(await outbox('ada@example.com')).toEqual([]);
  });

  it.skipIf(inject('testDatabaseTemplate').kind !== 'postgres')(
    'fails as a wrong code would when the address is taken by a transaction still in flight (needs DATABASE_URL)',
    async () => {
      const ada = await signedIn('ada@example.com', 2);
      await request(ada, 'ada.new@example.com');
      const code = await latestCode(suite.db, 'ada.new@example.com');
      const holder = await createDatabase({ url: suite.url!, poolSize: 1 });
      try {
        let commit!: () => void;
        const committed = new Promise<void>((resolve) => (commit = resolve));
        let inserted!: () => void;
        const isInserted = new Promise<void>((resolve) => (inserted = resolve));
        const invitation = holder.transaction().execute(async (trx) => {
          await trx.insertInto('users').values({ email: 'ada.new@example.com', role: 'user' }).execute();
          inserted();
          await committed;
        });
        await isInserted;
        // The confirm's own check cannot see the uncommitted row; its update waits on the unique index.
        const result = confirm(ada, code);
        await waitForLockWait(suite.db, 'the confirm');
        commit();
        await invitation;
        expect(await result).toMatchObject({ ok: false, reason: 'invalid_or_expired_code' });
        expect(await suite.db.selectFrom('users').select('id').where('email', '=', 'ada.new@example.com').execute()).toHaveLength(1);
        expect(await emailOf(ada.user.id)).toBe('ada@example.com');
        expect(await suite.db.selectFrom('sessions').select('id').where('user_id', '=', ada.user.id).execute()).toHaveLength(2);
        expect(await audit('email_changed')).toEqual([]);
      } finally {
        await holder.destroy();
      }
    },
  );
});

describe('an admin changing a user’s email', () => {
  it('moves the account, ends all its sessions, tells both addresses and records it', async () => {
    const boss = await signedIn('boss@example.com', 1, 'admin');
    const sam = await signedIn('sam@example.com', 2);
    const result = await changeUserEmail(suite.db, deps, { actorId: boss.user.id, userId: sam.user.id, email: ' Sam.Fixed@Example.com ', meta });
    expect(result).toMatchObject({ ok: true, user: { id: sam.user.id, email: 'sam.fixed@example.com', activeSessions: 0 } });
    expect(await suite.db.selectFrom('sessions').select('id').where('user_id', '=', sam.user.id).execute()).toEqual([]);
    expect(await audit('email_changed')).toMatchObject([
      { actor_user_id: boss.user.id, subject_user_id: sam.user.id, email: 'sam@example.com', data: { from: 'sam@example.com', to: 'sam.fixed@example.com', by: 'admin', sessionsRevoked: 2 } },
    ]);
    const [old] = await outbox('sam@example.com');
    expect(old).toMatchObject({ kind: 'email_changed_by_admin' });
    expect(old!.text_body).toContain('An admin of Acme changed the email address of your account to sam.fixed@example.com.');
    expect(old!.text_body).toContain('When: Monday, 5 January 2026 at 11:00 (Europe/Berlin)');
    const [fresh] = await outbox('sam.fixed@example.com');
    expect(fresh).toMatchObject({ kind: 'email_set_by_admin' });
    expect(fresh!.text_body).toContain('Sign in to Acme:\nhttp://localhost:3000/sign-in');
  });

  it('refuses an address in use (already_exists), a bad one, an unknown user and a non-admin, changing nothing', async () => {
    const boss = await signedIn('boss@example.com', 1, 'admin');
    const sam = await signedIn('sam@example.com');
    await addUser(suite.db, 'kim@example.com', 'user', new Date());
    const change = (actorId: string, userId: string, email: unknown) => changeUserEmail(suite.db, deps, { actorId, userId, email, meta });
    expect(await change(boss.user.id, sam.user.id, 'KIM@example.com')).toEqual({ ok: false, reason: 'already_exists' });
    expect(await change(boss.user.id, sam.user.id, 'nope')).toEqual({ ok: false, reason: 'invalid_email' });
    expect(await change(boss.user.id, sam.user.id, '')).toEqual({ ok: false, reason: 'missing_email' });
    expect(await change(boss.user.id, '00000000-0000-4000-8000-000000000000', 'new@example.com')).toEqual({ ok: false, reason: 'not_found' });
    expect(await change(sam.user.id, boss.user.id, 'new@example.com')).toEqual({ ok: false, reason: 'forbidden' });
    expect(await emailOf(sam.user.id)).toBe('sam@example.com');
    expect(await suite.db.selectFrom('sessions').select('id').where('user_id', '=', sam.user.id).execute()).toHaveLength(1);
    expect(await audit('email_changed')).toEqual([]);
    expect(await suite.db.selectFrom('email_outbox').select('id').execute()).toEqual([]);
    // The address the user already has changes nothing.
    expect(await change(boss.user.id, sam.user.id, 'sam@example.com')).toMatchObject({ ok: true, user: { email: 'sam@example.com', activeSessions: 1 } });
    expect(await audit('email_changed')).toEqual([]);
  });

  it('ends a change the user had pending (its session went)', async () => {
    const boss = await signedIn('boss@example.com', 1, 'admin');
    const sam = await signedIn('sam@example.com');
    await request(sam, 'sam.own@example.com');
    const code = await latestCode(suite.db, 'sam.own@example.com');
    await changeUserEmail(suite.db, deps, { actorId: boss.user.id, userId: sam.user.id, email: 'sam.fixed@example.com', meta });
    expect(await confirm(sam, code)).toMatchObject({ ok: false, reason: 'invalid_or_expired_code' });
    expect(await emailOf(sam.user.id)).toBe('sam.fixed@example.com');
  });
});
