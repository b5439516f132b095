import { resolve } from 'node:path';
import { addUser } from '@app/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { movableClock } from './support/instance';
import { linkTokenIn, receiveCode, receiveCodeAndLink, signIn, startTestApp, type TestApp } from './support/test-app';
import { reasonOf, type TestBrowser } from './support/test-browser';

/*
 * The one-click link in the code email (APP_URL/sign-in/link#<token>): it signs in exactly as the
 * code does, only in the browser that asked for the code, and nothing else about it (a GET, another
 * browser, a scanner running the page) consumes anything or counts as a wrong guess.
 */
const clock = movableClock();
let app: TestApp;
let n = 0;

async function newUser(): Promise<string> {
  const email = `linker${++n}@example.com`;
  await addUser(app.db, email, 'user', new Date());
  return email;
}

const verifyLink = (browser: TestBrowser, token: string, headers: Record<string, string> = {}) =>
  browser.mutate('auth.verifyLink', { token, timezone: 'Europe/Paris' }, headers);

/** The attempt's state and what the wrong-guess limits hold for the email. */
async function attemptState(email: string) {
  const attempt = await app.db.selectFrom('sign_in_attempts').select(['consumed_at', 'voided_at', 'failed_count']).where('email', '=', email).executeTakeFirstOrThrow();
  const wrongGuesses = await app.db.selectFrom('rate_limits').select('key').where('key', 'like', `wrong%:${email}`).execute();
  return { consumed: attempt.consumed_at !== null, voided: attempt.voided_at !== null, failedCount: attempt.failed_count, wrongGuessKeys: wrongGuesses.length };
}
const untouched = { consumed: false, voided: false, failedCount: 0, wrongGuessKeys: 0 };

beforeAll(async () => {
  app = await startTestApp({ now: clock.now });
});
afterAll(() => app.close());

describe('the sign-in link, in the browser that asked for the code', () => {
  it('is in the email beside the code, with its token in the fragment only', async () => {
    const email = await newUser();
    const browser = app.browser();
    const { code, token } = await receiveCodeAndLink(app, browser, email);
    const mail = app.postmark.messages.findLast((m) => m.To === email)!;
    expect(token).toMatch(/^[a-z2-9]{32}$/);
    expect(token).not.toContain(code);
    expect(mail.TextBody).toContain(`\nhttp://app.test/sign-in/link#${token}\n`);
    expect(mail.HtmlBody).toContain(`href="http://app.test/sign-in/link#${token}"`);
    // Only its HMAC is stored.
    const rows = await app.db.selectFrom('sign_in_codes').innerJoin('sign_in_attempts', 'sign_in_attempts.id', 'sign_in_codes.attempt_id').select('link_hash').where('email', '=', email).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.link_hash).toHaveLength(32);
    expect(JSON.stringify(await app.db.selectFrom('sign_in_codes').selectAll().execute())).not.toContain(token);
  });

  it('signs in with one call, answering exactly as a code does', async () => {
    const [byLink, byCode] = [await newUser(), await newUser()];
    const [linkBrowser, codeBrowser] = [app.browser(), app.browser()];
    const { token } = await receiveCodeAndLink(app, linkBrowser, byLink);
    const code = await receiveCode(app, codeBrowser, byCode);

    const linked = await verifyLink(linkBrowser, token);
    const coded = await codeBrowser.mutate('auth.verifyCode', { email: byCode, code, timezone: 'Europe/Paris' });
    expect(linked.status).toBe(200);
    expect(linked.body.result.data).toEqual({ user: { id: expect.any(String), email: byLink, role: 'user', timezone: 'Europe/Paris' } });
    expect(Object.keys(linked.body.result.data.user)).toEqual(Object.keys(coded.body.result.data.user));
    const cookieShape = (browser: TestBrowser) =>
      browser.setCookieHeaders.filter((h) => /^(session|signin-attempt)=/.test(h)).map((h) => h.replace(/=[^;]*/, '=…').replace(/Expires=[^;]+/, 'Expires=…'));
    expect(cookieShape(linkBrowser)).toEqual(cookieShape(codeBrowser));
    expect(linkBrowser.cookies.has('signin-attempt')).toBe(false);
    expect(await linkBrowser.trpc.auth.me.query()).toMatchObject({ email: byLink, timezone: 'Europe/Paris' });

    const audit = await app.db.selectFrom('audit_events').select(['type', 'data']).where('email', '=', byLink).where('type', '=', 'sign_in_succeeded').orderBy('id').execute();
    expect(audit).toEqual([{ type: 'sign_in_succeeded', data: { method: 'email_link', signUp: false } }]);
    expect(app.logs.some((l) => l.message === 'user signed in via link' && l.fields.email === byLink)).toBe(true);
  });

  it('is used once, and takes the code with it', async () => {
    const email = await newUser();
    const browser = app.browser();
    const { code, token } = await receiveCodeAndLink(app, browser, email);
    expect((await verifyLink(browser, token)).status).toBe(200);
    // The same browser again (its attempt cookie is gone now) and one that kept the cookie.
    const again = await verifyLink(browser, token);
    expect([again.status, reasonOf(again)]).toEqual([401, 'invalid_or_expired_link']);
    const codeAfter = await browser.mutate('auth.verifyCode', { email, code, timezone: 'UTC' });
    expect(reasonOf(codeAfter)).toBe('invalid_or_expired_code');
  });

  it('is dead once the code was used, even with the attempt cookie kept', async () => {
    const email = await newUser();
    const browser = app.browser();
    const { code, token } = await receiveCodeAndLink(app, browser, email);
    const attemptCookie = browser.cookies.get('signin-attempt')!;
    await browser.trpc.auth.verifyCode.mutate({ email, code, timezone: 'UTC' });
    browser.cookies.set('signin-attempt', attemptCookie);
    const reply = await verifyLink(browser, token);
    expect([reply.status, reasonOf(reply)]).toEqual([401, 'invalid_or_expired_link']);
  });

  it('ends the session the browser had before (no session fixation)', async () => {
    const [first, second] = [await newUser(), await newUser()];
    const browser = app.browser();
    await signIn(app, browser, first);
    const oldSession = browser.cookies.get('session')!;
    const { token } = await receiveCodeAndLink(app, browser, second);
    expect((await verifyLink(browser, token)).status).toBe(200);
    const stale = app.browser();
    stale.cookies.set('session', oldSession);
    expect(await stale.trpc.auth.me.query()).toBeNull();
    expect(await browser.trpc.auth.me.query()).toMatchObject({ email: second });
  });

  it('keeps the last three links of an attempt valid, as its codes', async () => {
    const email = await newUser();
    const browser = app.browser();
    const tokens: string[] = [];
    for (let i = 0; i < 4; i++) {
      if (i > 0) clock.advance(61);
      tokens.push((await receiveCodeAndLink(app, browser, email)).token);
    }
    expect(new Set(tokens).size).toBe(4);
    expect(reasonOf(await verifyLink(browser, tokens[0]!))).toBe('invalid_or_expired_link');
    expect(await attemptState(email)).toEqual(untouched);
    expect((await verifyLink(browser, tokens[1]!)).status).toBe(200);
    expect(reasonOf(await verifyLink(browser, tokens[3]!))).toBe('invalid_or_expired_link');
  });

  it('lives exactly as long as its code', async () => {
    const [early, late] = [await newUser(), await newUser()];
    const [earlyBrowser, lateBrowser] = [app.browser(), app.browser()];
    const early1 = await receiveCodeAndLink(app, earlyBrowser, early);
    const late1 = await receiveCodeAndLink(app, lateBrowser, late);
    clock.advance(890);
    expect((await verifyLink(earlyBrowser, early1.token)).status).toBe(200);
    clock.advance(20);
    const expired = await verifyLink(lateBrowser, late1.token);
    expect([expired.status, reasonOf(expired)]).toEqual([401, 'invalid_or_expired_link']);
    expect(reasonOf(await lateBrowser.mutate('auth.verifyCode', { email: late, code: late1.code, timezone: 'UTC' }))).toBe('invalid_or_expired_code');
  });

  it('refuses a bad time zone without using the link up', async () => {
    const email = await newUser();
    const browser = app.browser();
    const { token } = await receiveCodeAndLink(app, browser, email);
    const bad = await browser.mutate('auth.verifyLink', { token, timezone: 'Not/AZone' });
    expect([bad.status, reasonOf(bad)]).toEqual([400, 'invalid_timezone']);
    expect((await verifyLink(browser, token)).status).toBe(200);
  });

  it('stops working with its attempt once wrong codes voided it', async () => {
    const email = await newUser();
    const browser = app.browser();
    const { code, token } = await receiveCodeAndLink(app, browser, email);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) await browser.mutate('auth.verifyCode', { email, code: wrong, timezone: 'UTC' });
    const reply = await verifyLink(browser, token);
    expect([reply.status, reasonOf(reply)]).toEqual([403, 'too_many_attempts']);
  });
});

describe('the sign-in link anywhere else', () => {
  it('in another browser: wrong_browser, nothing consumed, no wrong guess counted, and the code still works where it was asked for', async () => {
    const email = await newUser();
    const asker = app.browser();
    const { code, token } = await receiveCodeAndLink(app, asker, email);

    const phone = app.browser();
    for (let i = 0; i < 8; i++) {
      const reply = await verifyLink(phone, token);
      expect([reply.status, reasonOf(reply)]).toEqual([403, 'wrong_browser']);
    }
    expect(phone.cookies.has('session')).toBe(false);
    // A browser with an attempt of its own (for another address), and one with a garbled cookie.
    const other = app.browser();
    await other.trpc.auth.requestCode.mutate({ email: await newUser() });
    expect(reasonOf(await verifyLink(other, token))).toBe('wrong_browser');
    const garbled = app.browser();
    // Its last character changed (to one it is not: a cookie that happened to end in x stayed whole).
    const cookie = asker.cookies.get('signin-attempt')!;
    garbled.cookies.set('signin-attempt', `${cookie.slice(0, -1)}${cookie.endsWith('x') ? 'y' : 'x'}`);
    expect(reasonOf(await verifyLink(garbled, token))).toBe('wrong_browser');
    expect(await attemptState(email)).toEqual(untouched);
    expect(app.logs.some((l) => l.message === 'request refused' && l.fields.reason === 'wrong_browser' && l.fields.detail === 'no attempt cookie')).toBe(true);

    const signedIn = await asker.mutate('auth.verifyCode', { email, code, timezone: 'UTC' });
    expect(signedIn.status).toBe(200);
  });

  it('in a scanner: GETs of the link page and of the procedure change nothing, nor does running the page; the link still works after', async () => {
    const spa = await startTestApp({ env: { WEB_DIST_DIR: resolve(import.meta.dirname, '../../web/dist') } });
    try {
      const email = 'scanned@example.com';
      await addUser(spa.db, email, 'user', new Date());
      const asker = spa.browser();
      const { token } = await receiveCodeAndLink(spa, asker, email);
      const before = await spa.db.selectFrom('sign_in_attempts').selectAll().where('email', '=', email).executeTakeFirstOrThrow();

      const scanner = spa.browser();
      // What a link scanner fetches: the page (the fragment never leaves a client), with or without cookies.
      const page = await scanner.raw(`/sign-in/link#${token}`, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(String(page.body)).toContain('<div id="app">');
      expect(String(page.body)).not.toContain(token);
      const withCookie = await asker.raw('/sign-in/link', { headers: { accept: 'text/html' } });
      expect(withCookie.status).toBe(200);
      // The procedure is a mutation: over GET it is refused, even with the right cookie.
      for (const browser of [scanner, asker]) {
        const viaGet = await browser.query('auth.verifyLink', { token, timezone: 'UTC' });
        expect(viaGet.status).toBeGreaterThanOrEqual(400);
        expect(viaGet.status).toBeLessThan(500);
        expect(browser.cookies.has('session')).toBe(false);
      }
      // A scanner that runs the page's script posts from its own browser: wrong_browser.
      expect(reasonOf(await scanner.mutate('auth.verifyLink', { token, timezone: 'UTC' }))).toBe('wrong_browser');
      const after = await spa.db.selectFrom('sign_in_attempts').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
      expect(after).toEqual(before);

      expect((await asker.mutate('auth.verifyLink', { token, timezone: 'UTC' })).status).toBe(200);
    } finally {
      await spa.close();
    }
  });
});

describe('a wrong link', () => {
  it('is invalid_or_expired_link, counted against the client network, not against any email', async () => {
    const limited = await startTestApp({ env: { AUTH_LIMIT_VERIFIES_PER_IP: '3/10m', TRUST_PROXY: 'loopback' } });
    try {
      const email = 'guessed@example.com';
      await addUser(limited.db, email, 'user', new Date());
      const from = (ip: string) => ({ 'x-forwarded-for': ip });
      const guesser = limited.browser();
      const guesses = ['abcdefghijkmnpqrstuvwxyz23456789', 'not a token', 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz'];
      for (const token of guesses) {
        const reply = await guesser.mutate('auth.verifyLink', { token, timezone: 'UTC' }, from('203.0.113.7'));
        expect([reply.status, reasonOf(reply)]).toEqual([401, 'invalid_or_expired_link']);
      }
      const fourth = await guesser.mutate('auth.verifyLink', { token: guesses[0], timezone: 'UTC' }, from('203.0.113.7'));
      expect([fourth.status, reasonOf(fourth)]).toEqual([429, 'rate_limited']);
      // The same allowance as codes: the network's next code check is refused too.
      const code = await guesser.mutate('auth.verifyCode', { email, code: '123456', timezone: 'UTC' }, from('203.0.113.7'));
      expect(reasonOf(code)).toBe('rate_limited');
      const elsewhere = await guesser.mutate('auth.verifyLink', { token: guesses[0], timezone: 'UTC' }, from('198.51.100.9'));
      expect(reasonOf(elsewhere)).toBe('invalid_or_expired_link');
      const keys = await limited.db.selectFrom('rate_limits').select('key').execute();
      expect(keys.map((k) => k.key).sort()).toEqual(['verify-ip:198.51.100.9', 'verify-ip:203.0.113.7']);
      expect(limited.logs.some((l) => l.message === 'request refused' && l.fields.detail === 'malformed link token')).toBe(true);
    } finally {
      await limited.close();
    }
  });
});

describe('AUTH_EMAIL_LINK=false', () => {
  it('sends the code only, stores no link, and auth.verifyLink answers not_found', async () => {
    const off = await startTestApp({ env: { AUTH_EMAIL_LINK: 'false' } });
    try {
      const email = 'codeonly@example.com';
      await addUser(off.db, email, 'user', new Date());
      const browser = off.browser();
      const code = await receiveCode(off, browser, email);
      const mail = off.postmark.messages.findLast((m) => m.To === email)!;
      expect(linkTokenIn(mail)).toBeNull();
      expect(mail.TextBody).not.toContain('/sign-in/link');
      expect(mail.HtmlBody).not.toContain('/sign-in/link');
      expect(mail.TextBody).toContain('This code is valid for 15 minutes');
      const rows = await off.db.selectFrom('sign_in_codes').select('link_hash').execute();
      expect(rows).toEqual([{ link_hash: null }]);

      const reply = await browser.mutate('auth.verifyLink', { token: 'abcdefghijkmnpqrstuvwxyz23456789', timezone: 'UTC' });
      expect([reply.status, reasonOf(reply)]).toEqual([404, 'not_found']);
      expect((await browser.mutate('auth.verifyCode', { email, code, timezone: 'UTC' })).status).toBe(200);
    } finally {
      await off.close();
    }
  });
});
