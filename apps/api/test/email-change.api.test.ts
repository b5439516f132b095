import { addUser } from '@app/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replyShape } from './support/reply-shape';
import { CHROME_ON_MAC, FIREFOX_ON_WINDOWS, signInAs } from './support/sign-in-as';
import { signIn, startTestApp, type TestApp } from './support/test-app';
import { reasonOf, type TestBrowser } from './support/test-browser';
import { indistinguishable, sampleAlternately, summarize } from './support/timing';

/*
 * Changing one's own address over HTTP: a code to the new address that works only in the session
 * that asked, no probing for addresses that have an account, the old address told, every other
 * session ended; and an admin correcting an address from the users page.
 */
let app: TestApp;
// The server's clock runs this far ahead of the real one (to let codes expire).
let offsetSeconds = 0;
let n = 0;
/** A fresh address; every address this file makes has the same length, so answers do too. */
const fresh = (prefix: string) => `${prefix.slice(0, 4).padEnd(4, 'x')}-${String(++n).padStart(4, '0')}@example.com`;

beforeAll(async () => {
  app = await startTestApp({ now: () => new Date(Date.now() + offsetSeconds * 1000) });
});
afterAll(() => app.close());

type Person = Awaited<ReturnType<typeof signInAs>>;

function requestChange(person: Person, newEmail: unknown, browser: TestBrowser = person.browser) {
  return browser.mutate('account.email.requestChange', { newEmail });
}

function confirmChange(person: Person, code: string, browser: TestBrowser = person.browser) {
  return browser.mutate('account.email.confirmChange', { code });
}

/** Asks for a change to `newEmail` and returns the code from the email it sends. */
async function codeFor(person: Person, newEmail: string): Promise<string> {
  const before = app.postmark.messages.length;
  const reply = await requestChange(person, newEmail);
  if (reply.status !== 200) throw new Error(`requestChange: ${reply.status} ${JSON.stringify(reply.body)}`);
  return app.postmark.waitForCode(newEmail, before);
}

async function emailOf(userId: string) {
  return (await app.db.selectFrom('users').select('email').where('id', '=', userId).executeTakeFirstOrThrow()).email;
}

/** Signs an address in once more, in a new browser, after its resend cooldown. */
function signInAgain(email: string, options: Parameters<typeof signInAs>[2] = {}) {
  offsetSeconds += 61;
  return signInAs(app, email, options);
}

const wrongFor = (code: string) => (code === '000000' ? '111111' : '000000');

describe('account.email', () => {
  it('needs a session (401 unauthenticated)', async () => {
    const anonymous = app.browser();
    for (const reply of [
      await anonymous.mutate('account.email.requestChange', { newEmail: 'x@example.com' }),
      await anonymous.mutate('account.email.confirmChange', { code: '123456' }),
    ]) {
      expect([reply.status, reasonOf(reply)]).toEqual([401, 'unauthenticated']);
    }
  });

  it('changes the address with the code sent to it, ends every other session and tells the old address', async () => {
    const oldEmail = fresh('ada');
    const mac = await signInAs(app, oldEmail, { userAgent: CHROME_ON_MAC });
    const windows = await signInAgain(oldEmail, { userAgent: FIREFOX_ON_WINDOWS });
    const newEmail = fresh('new');
    const before = app.postmark.messages.length;
    const requested = await mac.browser.mutate('account.email.requestChange', { newEmail: newEmail.toUpperCase() }, { 'user-agent': CHROME_ON_MAC });
    expect(requested.body.result.data).toEqual({ email: newEmail, codeLength: 6, expiresInSeconds: 900, resendAfterSeconds: 60 });
    const code = await app.postmark.waitForCode(newEmail, before);
    const codeEmail = await app.postmark.waitForMessage((m) => m.To === newEmail);
    expect([codeEmail.Subject, codeEmail.Tag]).toEqual(['Confirm your new email address for Acme', 'email_change_code']);
    expect(codeEmail.TextBody).not.toContain(oldEmail);

    const confirmed = await mac.browser.mutate('account.email.confirmChange', { code: ` ${code.slice(0, 3)} ${code.slice(3)} ` }, { 'user-agent': CHROME_ON_MAC });
    expect(confirmed.body.result.data).toEqual({ user: { id: mac.id, email: newEmail, role: 'user', timezone: 'Europe/Berlin' } });
    expect(await mac.browser.trpc.auth.me.query()).toMatchObject({ email: newEmail });
    expect(await windows.browser.trpc.auth.me.query()).toBeNull();
    expect((await mac.browser.trpc.account.sessions.list.query()).items).toMatchObject([{ current: true, device: 'Chrome 120 on macOS' }]);

    const notice = await app.postmark.waitForMessage((m) => m.To === oldEmail && m.Tag === 'email_changed');
    expect(notice.Subject).toBe('Your email address for Acme was changed');
    expect(notice.TextBody).toContain(`changed to ${newEmail}`);
    expect(notice.TextBody).toMatch(/When: \w+day, \d{1,2} \w+ 20\d\d at \d\d:\d\d \(Europe\/Berlin\)/);
    expect(notice.TextBody).toContain('Device: Chrome 120 on macOS\nIP address: 127.0.0.1');
    expect(notice.TextBody).toContain("If this wasn't you, contact an admin of Acme right away");

    const audit = await app.db.selectFrom('audit_events').select(['actor_user_id', 'subject_user_id', 'email', 'data', 'user_agent']).where('type', '=', 'email_changed').where('subject_user_id', '=', mac.id).orderBy('id').execute();
    expect(audit).toEqual([{ actor_user_id: mac.id, subject_user_id: mac.id, email: oldEmail, data: { from: oldEmail, to: newEmail, by: 'self', sessionsEnded: 1 }, user_agent: CHROME_ON_MAC }]);

    // From now on the new address signs in (once its cooldown from the change's code is over); the old one is nobody's.
    offsetSeconds += 61;
    const later = app.browser();
    expect((await signIn(app, later, newEmail)).user.id).toBe(mac.id);
    const old = await app.browser().mutate('auth.requestCode', { email: oldEmail });
    expect([old.status, reasonOf(old)]).toEqual([403, 'not_registered']);
  });

  it('refuses a malformed, missing or unchanged address with its reason', async () => {
    const ada = await signInAs(app, fresh('ada'));
    for (const [newEmail, status, reason] of [
      ['not-an-email', 400, 'invalid_email'],
      ['  ', 400, 'missing_email'],
      [ada.email.toUpperCase(), 400, 'same_email'],
    ] as const) {
      const reply = await requestChange(ada, newEmail);
      expect([reply.status, reasonOf(reply)], newEmail).toEqual([status, reason]);
    }
  });

  it('works only in the session that asked: another browser of the same person cannot confirm it', async () => {
    const email = fresh('ada');
    const one = await signInAs(app, email);
    const two = await signInAgain(email);
    const newEmail = fresh('new');
    const code = await codeFor(one, newEmail);
    const elsewhere = await confirmChange(two, code);
    expect([elsewhere.status, reasonOf(elsewhere)]).toEqual([401, 'invalid_or_expired_code']);
    // Nor can the code sign anyone in at the new address.
    const signInWithIt = await app.browser().mutate('auth.verifyCode', { email: newEmail, code, timezone: 'UTC' });
    expect(reasonOf(signInWithIt)).toBe('invalid_or_expired_code');
    expect((await confirmChange(one, code)).status).toBe(200);
    // Signed out, the session's pending change goes with it.
    offsetSeconds += 61;
    const next = fresh('new');
    const code2 = await codeFor(one, next);
    await one.browser.trpc.auth.signOut.mutate();
    const again = await signInAs(app, newEmail);
    expect(reasonOf(await confirmChange(again, code2))).toBe('invalid_or_expired_code');
  });

  it('voids the change after five wrong codes, and a wrong code is told as at sign-in', async () => {
    const ada = await signInAs(app, fresh('ada'));
    const code = await codeFor(ada, fresh('new'));
    const reasons = [];
    for (let i = 0; i < 5; i++) reasons.push(reasonOf(await confirmChange(ada, wrongFor(code))));
    expect(reasons).toEqual([...Array(4).fill('invalid_or_expired_code'), 'too_many_attempts']);
    const right = await confirmChange(ada, code);
    expect([right.status, reasonOf(right)]).toEqual([403, 'too_many_attempts']);
    expect(await emailOf(ada.id)).toBe(ada.email);
    const types = await app.db.selectFrom('audit_events').select('type').where('subject_user_id', '=', ada.id).where('type', 'in', ['email_change_failed', 'attempt_voided']).orderBy('id').execute();
    expect(types.map((t) => t.type)).toEqual([...Array(4).fill('email_change_failed'), 'attempt_voided']);
  });

  it('expires with its code', async () => {
    const ada = await signInAs(app, fresh('ada'));
    const code = await codeFor(ada, fresh('new'));
    offsetSeconds += 901;
    const late = await confirmChange(ada, code);
    expect([late.status, reasonOf(late)]).toEqual([401, 'invalid_or_expired_code']);
    expect(await emailOf(ada.id)).toBe(ada.email);
  });

  it('limits requests per user (cooldown, then five an hour) and per new address, sharing the sign-in door’s allowance', async () => {
    const ada = await signInAs(app, fresh('ada'));
    expect((await requestChange(ada, fresh('new'))).status).toBe(200);
    const soon = await requestChange(ada, fresh('new'));
    expect([soon.status, reasonOf(soon), soon.body.error.data.retryAfterSeconds]).toEqual([429, 'rate_limited', 60]);
    for (let i = 0; i < 4; i++) {
      offsetSeconds += 61;
      expect((await requestChange(ada, fresh('new'))).status).toBe(200);
    }
    offsetSeconds += 61;
    expect(reasonOf(await requestChange(ada, fresh('new')))).toBe('rate_limited');

    // A sign-in code just sent to an address puts it in its cooldown for a change too, and back.
    const kim = await signInAs(app, fresh('kim'));
    const bob = fresh('bob');
    await addUser(app.db, bob, 'user', new Date());
    await app.browser().trpc.auth.requestCode.mutate({ email: bob });
    expect(reasonOf(await requestChange(kim, bob))).toBe('rate_limited');
    offsetSeconds += 61;
    const free = fresh('new');
    expect((await requestChange(kim, free)).status).toBe(200);
    await addUser(app.db, free, 'user', new Date());
    expect(reasonOf(await app.browser().mutate('auth.requestCode', { email: free }))).toBe('rate_limited');
  });

  it('a taken address: the same answer, an email to its owner with no code, and any code fails as a wrong one', async () => {
    const ada = await signInAs(app, fresh('ada'));
    const kim = await signInAs(app, fresh('kim'));
    const owner = await signInAs(app, fresh('bob'));
    // Past the cooldown of the owner's own sign-in code.
    offsetSeconds += 61;
    const free = fresh('new');
    const answers = [];
    for (const [person, email] of [
      [ada, free],
      [kim, owner.email],
    ] as const) {
      const first = await requestChange(person, email);
      const again = await requestChange(person, email);
      const wrong = await confirmChange(person, '000000');
      answers.push({ first: replyShape(first, email), again: replyShape(again, email), wrong: replyShape(wrong, email) });
      expect(first.status).toBe(200);
    }
    expect(answers[1]).toEqual(answers[0]);

    const notice = await app.postmark.waitForMessage((m) => m.To === owner.email && m.Tag === 'email_in_use');
    expect(notice.Subject).toBe('Someone tried to use your email address on Acme');
    expect(notice.TextBody).not.toMatch(/\d{6}/);
    expect(notice.TextBody).not.toContain(kim.email);
    await app.server.worker.idle();
    expect(app.postmark.messages.filter((m) => m.To === owner.email && m.Tag !== 'sign_in_code').map((m) => m.Tag)).toEqual(['email_in_use']);

    const reasons = [];
    for (let code = 1; code <= 5; code++) reasons.push(reasonOf(await confirmChange(kim, String(code).repeat(6))));
    expect(reasons).toEqual([...Array(3).fill('invalid_or_expired_code'), 'too_many_attempts', 'too_many_attempts']);
    expect(await emailOf(kim.id)).toBe(kim.email);
    expect(await emailOf(owner.id)).toBe(owner.email);
    expect(await owner.browser.trpc.auth.me.query()).toMatchObject({ email: owner.email });
  });

  it('an address taken after the code was sent: the right code fails as a wrong one, and nobody is duplicated', async () => {
    const ada = await signInAs(app, fresh('ada'));
    const newEmail = fresh('new');
    const code = await codeFor(ada, newEmail);
    const admin = await signInAs(app, fresh('boss'), { role: 'admin' });
    await admin.browser.trpc.admin.users.invite.mutate({ email: newEmail, role: 'user', sendEmail: false });
    const reply = await confirmChange(ada, code);
    expect([reply.status, reasonOf(reply)]).toEqual([401, 'invalid_or_expired_code']);
    expect(await app.db.selectFrom('users').select('id').where('email', '=', newEmail).execute()).toHaveLength(1);
    expect(await emailOf(ada.id)).toBe(ada.email);
  });
});

describe('an address that has an account', () => {
  let probe: TestApp;
  beforeAll(async () => {
    // One asker sends every request, so the user's own limits are out of the way.
    probe = await startTestApp({ env: { AUTH_RESEND_COOLDOWN_SECONDS: '0', AUTH_LIMIT_CODES_PER_EMAIL: '100000/1h' } });
  });
  afterAll(() => probe.close());

  it('takes as long to ask for as a free one', async () => {
    const asker = await signInAs(probe, fresh('ask'));
    const taken: string[] = [];
    for (let i = 0; i < SAMPLES + 3; i++) {
      const email = fresh('own');
      await addUser(probe.db, email, 'user', new Date());
      taken.push(email);
    }
    const samples = await sampleAlternately(['free', 'taken'], SAMPLES, async (kind, round) => {
      const email = kind === 'free' ? fresh('fre') : taken[round + 3]!;
      const reply = await asker.browser.mutate('account.email.requestChange', { newEmail: email });
      if (reply.status !== 200) throw new Error(`requestChange for ${email}: ${reply.status} ${reasonOf(reply)}`);
    });
    const free = summarize(samples.free);
    const inUse = summarize(samples.taken);
    expect({ free, inUse, indistinguishable: indistinguishable(free, inUse) }).toMatchObject({ indistinguishable: true });
  });
});

const SAMPLES = 50;

describe('admin.users.changeEmail', () => {
  it('moves the account, ends all its sessions, tells both addresses and records it', async () => {
    const admin = await signInAs(app, fresh('boss'), { role: 'admin' });
    const sam = await signInAs(app, fresh('sam'));
    const fixed = fresh('fix');
    const { user } = await admin.browser.trpc.admin.users.changeEmail.mutate({ userId: sam.id, email: fixed.toUpperCase() });
    expect(user).toMatchObject({ id: sam.id, email: fixed, activeSessions: 0 });
    expect(await sam.browser.trpc.auth.me.query()).toBeNull();
    const toOld = await app.postmark.waitForMessage((m) => m.To === sam.email && m.Tag === 'email_changed_by_admin');
    expect(toOld.TextBody).toContain(`changed the email address of your account to ${fixed}`);
    const toNew = await app.postmark.waitForMessage((m) => m.To === fixed && m.Tag === 'email_set_by_admin');
    expect(toNew.TextBody).toContain(`(it was ${sam.email})`);
    const audit = await app.db.selectFrom('audit_events').select(['actor_user_id', 'data']).where('type', '=', 'email_changed').where('subject_user_id', '=', sam.id).orderBy('id').execute();
    expect(audit).toEqual([{ actor_user_id: admin.id, data: { from: sam.email, to: fixed, by: 'admin', sessionsRevoked: 1 } }]);
    expect((await signIn(app, app.browser(), fixed)).user.id).toBe(sam.id);
  });

  it('says already_exists for an address in use, and refuses users and bad input, changing nothing', async () => {
    const admin = await signInAs(app, fresh('boss'), { role: 'admin' });
    const sam = await signInAs(app, fresh('sam'));
    const kim = await signInAs(app, fresh('kim'));
    const taken = await admin.browser.mutate('admin.users.changeEmail', { userId: sam.id, email: kim.email });
    expect([taken.status, reasonOf(taken)]).toEqual([409, 'already_exists']);
    const byUser = await kim.browser.mutate('admin.users.changeEmail', { userId: sam.id, email: fresh('new') });
    expect([byUser.status, reasonOf(byUser)]).toEqual([403, 'forbidden']);
    const anonymous = await app.browser().mutate('admin.users.changeEmail', { userId: sam.id, email: fresh('new') });
    expect([anonymous.status, reasonOf(anonymous)]).toEqual([401, 'unauthenticated']);
    const bad = await admin.browser.mutate('admin.users.changeEmail', { userId: sam.id, email: 'nope' });
    expect([bad.status, reasonOf(bad)]).toEqual([400, 'invalid_email']);
    const unknown = await admin.browser.mutate('admin.users.changeEmail', { userId: '00000000-0000-4000-8000-000000000000', email: fresh('new') });
    expect([unknown.status, reasonOf(unknown)]).toEqual([404, 'not_found']);
    expect(await emailOf(sam.id)).toBe(sam.email);
    expect(await sam.browser.trpc.auth.me.query()).toMatchObject({ email: sam.email });
  });
});

describe('app.info', () => {
  it('tells anyone the app’s name', async () => {
    expect(await app.browser().trpc.app.info.query()).toEqual({ name: 'Acme' });
  });
});
