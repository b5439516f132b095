import { addUser } from '@app/auth';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reasonOf } from './support/test-browser';
import { receiveCode, signIn, startTestApp, type TestApp } from './support/test-app';

let app: TestApp;
let n = 0;

/** A registered user of its own for each test, so tests don't share limits or attempts. */
async function newUser(role: 'admin' | 'user' = 'user'): Promise<string> {
  const email = `person${++n}@example.com`;
  await addUser(app.db, email, role, new Date());
  return email;
}

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

describe('sign-in over HTTP', () => {
  it('emails a code through Postmark and signs in with it', async () => {
    const email = await newUser();
    const browser = app.browser();
    const requested = await browser.mutate('auth.requestCode', { email: ` ${email.toUpperCase()} ` });
    expect(requested.status).toBe(200);
    expect(requested.body.result.data).toEqual({ email, codeLength: 6, expiresInSeconds: 900, resendAfterSeconds: 60 });
    const attemptCookie = browser.setCookieHeaders.find((h) => h.startsWith('signin-attempt='));
    expect(attemptCookie).toMatch(/HttpOnly/);
    expect(attemptCookie).toMatch(/SameSite=Lax/);
    expect(attemptCookie).toMatch(/Path=\//);

    const mail = await app.postmark.waitForMessage((m) => m.To === email, 10_000);
    expect(mail.Subject).toBe('Your sign-in code for Acme');
    expect(mail.From).toBe('Acme <auth@app.test>');
    expect(mail.MessageStream).toBe('outbound');
    const code = app.postmark.codeFor(email);
    expect(mail.TextBody).toContain('valid for 15 minutes and can be used only once');
    // Grouped for reading by CSS, so one string once the tags are gone.
    expect(mail.HtmlBody!.replace(/<[^>]+>/g, '')).toContain(code);

    const verified = await browser.mutate('auth.verifyCode', { email, code, timezone: 'America/New_York' });
    expect(verified.status).toBe(200);
    expect(verified.body.result.data).toEqual({ user: { id: expect.any(String), email, role: 'user', timezone: 'America/New_York' } });
    const sessionCookie = browser.setCookieHeaders.find((h) => h.startsWith('session='));
    expect(sessionCookie).toMatch(/HttpOnly/);
    expect(sessionCookie).toMatch(/SameSite=Lax/);
    expect(sessionCookie).not.toMatch(/Secure/);
    // The cookie outlives the 30-day idle window (activity extends the session up to 90 days).
    const cookieExpires = new Date(/Expires=([^;]+)/.exec(sessionCookie!)![1]!).getTime();
    expect(cookieExpires - Date.now()).toBeGreaterThan(89 * 86_400_000);
    expect(browser.cookies.has('signin-attempt')).toBe(false);

    expect(await browser.trpc.auth.me.query()).toMatchObject({ email, role: 'user', timezone: 'America/New_York' });
    expect(app.logs.some((l) => l.message === 'user signed in via code' && l.fields.email === email)).toBe(true);
  });

  it('tells the SPA how many digits the code has when AUTH_CODE_LENGTH is not the default', async () => {
    const long = await startTestApp({ env: { AUTH_CODE_LENGTH: '8' } });
    try {
      const email = 'eight@example.com';
      await addUser(long.db, email, 'user', new Date());
      const browser = long.browser();
      expect(await browser.trpc.auth.requestCode.mutate({ email })).toMatchObject({ email, codeLength: 8 });
      const code = await long.postmark.waitForCode(email, 0);
      expect(code).toMatch(/^\d{8}$/);
      expect(await browser.trpc.auth.verifyCode.mutate({ email, code, timezone: 'UTC' })).toMatchObject({ user: { email } });
    } finally {
      await long.close();
    }
  });

  it('scrubs the stored email body once it is sent', async () => {
    const email = await newUser();
    await receiveCode(app, app.browser(), email);
    await app.server.worker.idle();
    const row = await app.db.selectFrom('email_outbox').selectAll().where('recipient', '=', email).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'sent', text_body: null, html_body: null });
    expect(row.provider_message_id).toBeTruthy();
  });

  it('signs out: the session is deleted and the cookie cleared', async () => {
    const email = await newUser();
    const browser = app.browser();
    await signIn(app, browser, email);
    const token = browser.cookies.get('session');
    expect(await browser.trpc.auth.signOut.mutate()).toEqual({ ok: true });
    expect(browser.cookies.has('session')).toBe(false);
    expect(await browser.trpc.auth.me.query()).toBeNull();
    // The old token no longer works even if someone kept it.
    const thief = app.browser();
    thief.cookies.set('session', token!);
    expect(await thief.trpc.auth.me.query()).toBeNull();
  });

  it('answers auth.me with null when signed out or with a garbage cookie', async () => {
    const browser = app.browser();
    expect(await browser.trpc.auth.me.query()).toBeNull();
    browser.cookies.set('session', 'garbage');
    expect(await browser.trpc.auth.me.query()).toBeNull();
  });

  it('gives each expected failure its reason and status', async () => {
    const browser = app.browser();
    const cases: Array<[unknown, number, string]> = [
      [{ email: '' }, 400, 'missing_email'],
      [{}, 400, 'missing_email'],
      [{ email: 'not an email' }, 400, 'invalid_email'],
      [{ email: 'nobody@example.com' }, 403, 'not_registered'],
    ];
    for (const [input, status, reason] of cases) {
      const reply = await browser.mutate('auth.requestCode', input);
      expect({ input, status: reply.status, reason: reasonOf(reply) }).toEqual({ input, status, reason });
    }
  });

  it('binds the code to the browser that asked for it', async () => {
    const email = await newUser();
    const code = await receiveCode(app, app.browser(), email);
    const other = app.browser();
    const reply = await other.mutate('auth.verifyCode', { email, code, timezone: 'UTC' });
    expect([reply.status, reasonOf(reply)]).toEqual([401, 'invalid_or_expired_code']);
  });

  it('voids the attempt after five wrong codes', async () => {
    const email = await newUser();
    const browser = app.browser();
    const code = await receiveCode(app, browser, email);
    const wrong = code === '000000' ? '111111' : '000000';
    const reasons: Array<string | undefined> = [];
    for (let i = 0; i < 5; i++) reasons.push(reasonOf(await browser.mutate('auth.verifyCode', { email, code: wrong, timezone: 'UTC' })));
    expect(reasons).toEqual([...Array(4).fill('invalid_or_expired_code'), 'too_many_attempts']);
    const right = await browser.mutate('auth.verifyCode', { email, code, timezone: 'UTC' });
    expect(reasonOf(right)).toBe('too_many_attempts');
  });

  it('refuses a resend inside the cooldown with Retry-After', async () => {
    const email = await newUser();
    const browser = app.browser();
    await browser.trpc.auth.requestCode.mutate({ email });
    const again = await browser.mutate('auth.requestCode', { email });
    expect(again.status).toBe(429);
    expect(reasonOf(again)).toBe('rate_limited');
    const wait = again.body.error.data.retryAfterSeconds;
    expect(wait).toBeGreaterThan(55);
    expect(wait).toBeLessThanOrEqual(60);
    expect(again.headers.get('retry-after')).toBe(String(wait));
  });

  it('surfaces the reason to the typed client', async () => {
    const browser = app.browser();
    const error = await browser.trpc.auth.requestCode.mutate({ email: 'nobody@example.com' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<any>).data.reason).toBe('not_registered');
  });

  it('rejects an invalid time zone without using up the code', async () => {
    const email = await newUser();
    const browser = app.browser();
    const code = await receiveCode(app, browser, email);
    const bad = await browser.mutate('auth.verifyCode', { email, code, timezone: 'Not/AZone' });
    expect([bad.status, reasonOf(bad)]).toEqual([400, 'invalid_timezone']);
    const good = await browser.mutate('auth.verifyCode', { email, code, timezone: 'Asia/Tokyo' });
    expect(good.status).toBe(200);
  });

  it('writes audit rows for the request and the sign-in, without the code', async () => {
    const email = await newUser();
    const browser = app.browser();
    const code = await receiveCode(app, browser, email);
    await browser.trpc.auth.verifyCode.mutate({ email, code, timezone: 'UTC' });
    const rows = await app.db.selectFrom('audit_events').selectAll().where('email', '=', email).orderBy('id').execute();
    expect(rows.map((r) => r.type)).toEqual(expect.arrayContaining(['code_requested', 'sign_in_succeeded']));
    expect(JSON.stringify(rows)).not.toContain(code);
  });
});
