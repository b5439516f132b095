import { beforeEach, describe, expect, it } from 'vitest';
import { addUser, requestCode, validateSessionToken, verifyCode, verifyLink } from '../src/index';
import { latestCode, latestLinkToken, type TestDeps, useDatabaseSuite } from './helpers';

const meta = { ip: '127.0.0.1', userAgent: 'vitest' };
let deps: TestDeps;

const suite = useDatabaseSuite();
beforeEach(async () => {
  deps = suite.deps;
  await addUser(suite.db, 'ada@example.com', 'user', new Date());
});

async function request(email = 'ada@example.com', attemptToken?: string) {
  const result = await requestCode(suite.db, deps, { email, attemptToken, meta });
  if (!result.ok) throw new Error(`request failed: ${result.reason}`);
  return result;
}

function verify(attemptToken: string, code: string, extra: { email?: string; sessionToken?: string; timezone?: string } = {}) {
  return verifyCode(suite.db, deps, {
    email: extra.email ?? 'ada@example.com',
    code,
    timezone: extra.timezone ?? 'Europe/Berlin',
    attemptToken,
    sessionToken: extra.sessionToken,
    meta,
  });
}

describe('requesting a code', () => {
  it('rejects empty, malformed and unknown emails with their reasons', async () => {
    expect(await requestCode(suite.db, deps, { email: '  ', attemptToken: undefined, meta })).toEqual({ ok: false, reason: 'missing_email' });
    expect(await requestCode(suite.db, deps, { email: 'not-an-email', attemptToken: undefined, meta })).toEqual({ ok: false, reason: 'invalid_email' });
    expect(await requestCode(suite.db, deps, { email: 'who@example.com', attemptToken: undefined, meta })).toEqual({ ok: false, reason: 'not_registered' });
  });

  it('trims and lower-cases the email, and stores only a hash of the code', async () => {
    const result = await request('  ADA@Example.COM ');
    expect(result).toMatchObject({ email: 'ada@example.com', expiresInSeconds: 900, resendAfterSeconds: 60 });
    const code = await latestCode(suite.db, 'ada@example.com');
    const stored = await suite.db.selectFrom('sign_in_codes').select('code_hash').execute();
    expect(stored).toHaveLength(1);
    expect(Buffer.from(stored[0]!.code_hash).toString('hex')).not.toContain(Buffer.from(code).toString('hex'));
    expect(Buffer.from(stored[0]!.code_hash)).toHaveLength(32);
  });

  it('queues an email saying how long the code lasts and that it works once', async () => {
    await request();
    const mail = await suite.db.selectFrom('email_outbox').selectAll().executeTakeFirstOrThrow();
    expect(mail.subject).toBe('Your sign-in code for Acme');
    expect(mail.text_body).toContain('valid for 15 minutes and can be used only once');
    expect(mail.text_body).toContain("If you didn't request this, you can safely ignore this email.");
    // Grouped for reading by CSS, so one string once the tags are gone.
    expect(mail.html_body!.replace(/<[^>]+>/g, '')).toContain(await latestCode(suite.db, 'ada@example.com'));
    expect(mail.not_after.getTime() - deps.now().getTime()).toBe(900_000);
  });

  it('refuses a resend inside the cooldown and says how long to wait', async () => {
    const first = await request();
    deps.clock.advance(20);
    const again = await requestCode(suite.db, deps, { email: 'ada@example.com', attemptToken: first.attempt.token, meta });
    expect(again).toEqual({ ok: false, reason: 'rate_limited', retryAfterSeconds: 40 });
  });
});

describe('verifying a code', () => {
  it('signs in with the right code, activates the user and stores the time zone', async () => {
    const { attempt } = await request();
    const result = await verify(attempt.token, await latestCode(suite.db, 'ada@example.com'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.user).toMatchObject({ email: 'ada@example.com', status: 'active', timezone: 'Europe/Berlin' });
    const validated = await validateSessionToken(suite.db, deps, result.session.token);
    expect(validated.user?.email).toBe('ada@example.com');
    expect(deps.events.some((e) => e.event === 'user signed in via code')).toBe(true);
  });

  it('accepts a pasted code with spaces or a dash', async () => {
    const { attempt } = await request();
    const code = await latestCode(suite.db, 'ada@example.com');
    const result = await verify(attempt.token, ` ${code.slice(0, 3)}-${code.slice(3)} `);
    expect(result.ok).toBe(true);
  });

  it('gives one answer for wrong, used, expired and other-browser codes', async () => {
    const { attempt } = await request();
    const code = await latestCode(suite.db, 'ada@example.com');
    const wrong = code === '000000' ? '111111' : '000000';
    expect(await verify(attempt.token, wrong)).toEqual({ ok: false, reason: 'invalid_or_expired_code' });

    const otherBrowser = await requestCode(suite.db, { ...deps, now: () => new Date(deps.now().getTime() + 61_000) }, { email: 'ada@example.com', attemptToken: undefined, meta });
    expect(otherBrowser.ok).toBe(true);
    // The code mailed for the first browser does not work with the second browser's attempt.
    if (otherBrowser.ok) expect(await verify(otherBrowser.attempt.token, code)).toEqual({ ok: false, reason: 'invalid_or_expired_code' });

    expect((await verify(attempt.token, code)).ok).toBe(true);
    // The cause is for the operator's log only; the API answers with the reason alone.
    expect(await verify(attempt.token, code)).toEqual({ ok: false, reason: 'invalid_or_expired_code', detail: 'attempt already used' });
  });

  it('rejects a code after it expires', async () => {
    const { attempt } = await request();
    const code = await latestCode(suite.db, 'ada@example.com');
    deps.clock.advance(901);
    expect(await verify(attempt.token, code)).toEqual({ ok: false, reason: 'invalid_or_expired_code', detail: 'attempt expired' });
  });

  it('keeps the last three codes of a resent attempt valid, not older ones', async () => {
    let token = (await request()).attempt.token;
    const codes = [await latestCode(suite.db, 'ada@example.com')];
    for (let i = 0; i < 3; i++) {
      deps.clock.advance(61);
      token = (await request('ada@example.com', token)).attempt.token;
      codes.push(await latestCode(suite.db, 'ada@example.com'));
    }
    expect(new Set((await suite.db.selectFrom('sign_in_attempts').select('id').execute()).map((r) => r.id)).size).toBe(1);
    const oldest = codes[0]!;
    if (!codes.slice(1).includes(oldest)) {
      expect(await verify(token, oldest)).toEqual({ ok: false, reason: 'invalid_or_expired_code' });
    }
    expect((await verify(token, codes[1]!)).ok).toBe(true);
  });

  it('voids the attempt after five wrong codes, even for the right code', async () => {
    const { attempt } = await request();
    const code = await latestCode(suite.db, 'ada@example.com');
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 4; i++) expect((await verify(attempt.token, wrong)).ok).toBe(false);
    expect(await verify(attempt.token, wrong)).toEqual({ ok: false, reason: 'too_many_attempts' });
    expect(await verify(attempt.token, code)).toEqual({ ok: false, reason: 'too_many_attempts' });
  });

  it('makes exactly one session from two simultaneous verifies of one code', async () => {
    const { attempt } = await request();
    const code = await latestCode(suite.db, 'ada@example.com');
    const results = await Promise.all([verify(attempt.token, code), verify(attempt.token, code)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(await suite.db.selectFrom('sessions').select('id').execute()).toHaveLength(1);
  });

  it('makes exactly one session from a code and its link redeemed at once', async () => {
    const { attempt } = await request();
    const [code, token] = [await latestCode(suite.db, 'ada@example.com'), await latestLinkToken(suite.db, 'ada@example.com')];
    const byLink = () => verifyLink(suite.db, deps, { token, timezone: 'UTC', attemptToken: attempt.token, sessionToken: undefined, meta });
    const results = await Promise.all([verify(attempt.token, code), byLink(), verify(attempt.token, code), byLink()]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    // The losers find the attempt consumed, each with its own door's reason.
    for (const r of results) if (!r.ok) expect(['invalid_or_expired_code', 'invalid_or_expired_link']).toContain(r.reason);
    expect(await suite.db.selectFrom('sessions').select('id').execute()).toHaveLength(1);
    const audit = await suite.db.selectFrom('audit_events').select('type').where('type', '=', 'sign_in_succeeded').execute();
    expect(audit).toHaveLength(1);
  });

  it('replaces the session the browser already had', async () => {
    const first = await request();
    const one = await verify(first.attempt.token, await latestCode(suite.db, 'ada@example.com'));
    if (!one.ok) throw new Error('first sign-in failed');
    deps.clock.advance(61);
    const second = await request();
    const two = await verify(second.attempt.token, await latestCode(suite.db, 'ada@example.com'), { sessionToken: one.session.token });
    expect(two.ok).toBe(true);
    expect((await validateSessionToken(suite.db, deps, one.session.token)).session).toBeNull();
  });

  it('refuses an invalid time zone with its own reason', async () => {
    const { attempt } = await request();
    expect(await verify(attempt.token, '123456', { timezone: 'Mars/Olympus' })).toEqual({ ok: false, reason: 'invalid_timezone' });
  });
});
