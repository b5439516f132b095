import { beforeEach, describe, expect, it } from 'vitest';
import { addUser, requestCode, verifyCode } from '../src/index';
import { checkLimits, type LimitCheck, type LimitRule } from '../src/limits/rate-limit';
import { latestCode, type TestDeps, useDatabaseSuite } from './helpers';

let deps: TestDeps;

const suite = useDatabaseSuite();
beforeEach(async () => {
  deps = suite.deps;
});

const from = (ip: string) => ({ ip, userAgent: 'vitest' });

/** One limit asked on its own. */
function checkOne(key: string, rule: LimitRule, mode: LimitCheck['mode']) {
  return checkLimits(suite.db, [{ key, rule, mode }], deps.now());
}

async function ask(email: string, ip = '198.51.100.1', attemptToken?: string) {
  return requestCode(suite.db, deps, { email, attemptToken, meta: from(ip) });
}

describe('the shared limiter', () => {
  it('admits `limit` events per window, refills steadily and says when to retry', async () => {
    const rule = { limit: 3, windowSeconds: 60 };
    for (let i = 0; i < 3; i++) expect(await checkOne('k', rule, 'consume')).toEqual({ ok: true });
    expect(await checkOne('k', rule, 'consume')).toEqual({ ok: false, retryAfterSeconds: 20 });
    expect(await checkOne('k', rule, 'peek')).toEqual({ ok: false, retryAfterSeconds: 20 });
    deps.clock.advance(20);
    expect(await checkOne('k', rule, 'consume')).toEqual({ ok: true });
    expect((await checkOne('k', rule, 'consume')).ok).toBe(false);
  });

  it('holds under concurrent callers (one atomic statement decides)', async () => {
    const rule = { limit: 5, windowSeconds: 3600 };
    const results = await Promise.all(Array.from({ length: 20 }, () => checkOne('race', rule, 'consume')));
    expect(results.filter((r) => r.ok)).toHaveLength(5);
  });
});

describe('sign-in limits', () => {
  it('allows one code per email per 60 s and five per hour', async () => {
    await addUser(suite.db, 'ada@example.com', 'user', new Date());
    expect((await ask('ada@example.com')).ok).toBe(true);
    expect(await ask('ada@example.com', '198.51.100.2')).toEqual({ ok: false, reason: 'rate_limited', retryAfterSeconds: 60 });
    for (let i = 0; i < 4; i++) {
      deps.clock.advance(61);
      expect((await ask('ada@example.com')).ok).toBe(true);
    }
    deps.clock.advance(61);
    const sixth = await ask('ada@example.com');
    expect(sixth).toMatchObject({ ok: false, reason: 'rate_limited' });
    if (!sixth.ok) expect(sixth.retryAfterSeconds).toBeGreaterThan(60);
  });

  it('limits codes per mailbox across +tags and Gmail dots, without merging the accounts', async () => {
    deps.options.signup = 'open';
    deps.options.code.resendCooldownSeconds = 0;
    const variants = ['victim@gmail.com', 'victim+1@gmail.com', 'v.ictim@gmail.com', 'vic.tim+2@googlemail.com', 'VICTIM+3@gmail.com'];
    for (const [i, email] of variants.entries()) expect((await ask(email, `198.51.100.${i + 1}`)).ok, email).toBe(true);
    expect(await ask('victim+6@gmail.com', '198.51.100.9')).toMatchObject({ ok: false, reason: 'rate_limited' });
    // Another mailbox is not affected; each variant is still its own email (attempts, and users once signed in).
    expect((await ask('victim2@gmail.com', '198.51.100.10')).ok).toBe(true);
    const attempts = await suite.db.selectFrom('sign_in_attempts').select('email').orderBy('email').execute();
    expect(new Set(attempts.map((a) => a.email)).size).toBe(6);
  });

  it('limits IPv6 code requests per /48 too, so a site cannot spread over its 65,536 /64s', async () => {
    deps.options.limits.codesPerIpv6Site = { limit: 3, windowSeconds: 3600 };
    for (let i = 0; i < 4; i++) await addUser(suite.db, `u${i}@example.com`, 'user', new Date());
    for (let i = 0; i < 3; i++) expect((await ask(`u${i}@example.com`, `2001:db8:5:${i + 1}::1`)).ok).toBe(true);
    expect(await ask('u3@example.com', '2001:db8:5:ff::1')).toMatchObject({ ok: false, reason: 'rate_limited' });
    expect((await ask('u3@example.com', '2001:db8:6:1::1')).ok).toBe(true);
    // IPv4 has no such tier.
    deps.options.limits.codesPerIpv6Site = { limit: 1, windowSeconds: 3600 };
    for (let i = 0; i < 3; i++) await addUser(suite.db, `v${i}@example.com`, 'user', new Date());
    for (let i = 0; i < 3; i++) expect((await ask(`v${i}@example.com`, '198.51.100.20')).ok).toBe(true);
  });

  it('limits code requests per network, IPv6 by /64', async () => {
    deps.options.limits.codesPerIp = { limit: 3, windowSeconds: 3600 };
    for (let i = 0; i < 3; i++) await addUser(suite.db, `u${i}@example.com`, 'user', new Date());
    await addUser(suite.db, 'other@example.com', 'user', new Date());
    for (let i = 0; i < 3; i++) expect((await ask(`u${i}@example.com`, `2001:db8:1:2::${i + 1}`)).ok).toBe(true);
    expect(await ask('other@example.com', '2001:db8:1:2:ffff::9')).toMatchObject({ ok: false, reason: 'rate_limited' });
    expect((await ask('other@example.com', '2001:db8:1:3::1')).ok).toBe(true);
  });

  it('counts wrong codes per email across attempts; a new code does not reset it', async () => {
    await addUser(suite.db, 'ada@example.com', 'user', new Date());
    let wrongs = 0;
    for (let round = 0; round < 3 && wrongs < 10; round++) {
      const asked = await ask('ada@example.com');
      if (!asked.ok) throw new Error(asked.reason);
      const code = await latestCode(suite.db, 'ada@example.com');
      const wrong = code === '000000' ? '111111' : '000000';
      for (let i = 0; i < 4 && wrongs < 10; i++, wrongs++) {
        await verifyCode(suite.db, deps, { email: 'ada@example.com', code: wrong, timezone: 'UTC', attemptToken: asked.attempt.token, sessionToken: undefined, meta: from('198.51.100.1') });
      }
      deps.clock.advance(61);
    }
    const asked = await ask('ada@example.com');
    if (!asked.ok) throw new Error(asked.reason);
    const code = await latestCode(suite.db, 'ada@example.com');
    const refused = await verifyCode(suite.db, deps, { email: 'ada@example.com', code, timezone: 'UTC', attemptToken: asked.attempt.token, sessionToken: undefined, meta: from('198.51.100.1') });
    expect(refused).toMatchObject({ ok: false, reason: 'rate_limited' });
  });

  it('limits verifies per network', async () => {
    deps.options.limits.verifiesPerIp = { limit: 2, windowSeconds: 600 };
    const attempt = { email: 'x@example.com', code: '123456', timezone: 'UTC', attemptToken: undefined, sessionToken: undefined, meta: from('192.0.2.5') };
    expect(await verifyCode(suite.db, deps, attempt)).toMatchObject({ reason: 'invalid_or_expired_code' });
    expect(await verifyCode(suite.db, deps, attempt)).toMatchObject({ reason: 'invalid_or_expired_code' });
    expect(await verifyCode(suite.db, deps, attempt)).toMatchObject({ reason: 'rate_limited', retryAfterSeconds: 300 });
  });
});

describe('registration modes', () => {
  it('with registration not revealed, answers unknown and deactivated emails like known ones and sends nothing', async () => {
    deps.options.revealUnregistered = false;
    await addUser(suite.db, 'known@example.com', 'user', new Date());
    const gone = await addUser(suite.db, 'gone@example.com', 'user', new Date());
    await suite.db.updateTable('users').set({ status: 'deactivated' }).where('id', '=', gone.user.id).execute();
    const answers = [];
    for (const email of ['known@example.com', 'nobody@example.com', 'gone@example.com']) {
      const r = await ask(email);
      if (!r.ok) throw new Error(r.reason);
      answers.push({ email: r.email, expiresInSeconds: r.expiresInSeconds, resendAfterSeconds: r.resendAfterSeconds, cookie: typeof r.attempt.token });
    }
    expect(answers.map(({ email: _e, ...rest }) => rest)).toEqual(Array(3).fill(answers[0]).map(({ email: _e, ...rest }) => rest));
    const outbox = await suite.db.selectFrom('email_outbox').select('recipient').orderBy('id').execute();
    expect(outbox).toEqual([{ recipient: 'known@example.com' }]);
    expect(await suite.db.selectFrom('users').select('email').where('email', '=', 'nobody@example.com').execute()).toEqual([]);
  });

  it('with open sign-up, creates the user only when the code verifies', async () => {
    deps.options.signup = 'open';
    const asked = await ask('new@example.com');
    if (!asked.ok) throw new Error(asked.reason);
    expect(await suite.db.selectFrom('users').select('email').execute()).toEqual([]);
    const code = await latestCode(suite.db, 'new@example.com');
    const verified = await verifyCode(suite.db, deps, { email: 'new@example.com', code, timezone: 'UTC', attemptToken: asked.attempt.token, sessionToken: undefined, meta: from('198.51.100.1') });
    expect(verified).toMatchObject({ ok: true, user: { email: 'new@example.com', role: 'user', status: 'active' } });
  });

  it('in invite mode, refuses unknown emails as not registered, without spending their allowances', async () => {
    deps.options.limits.codesPerIp = { limit: 3, windowSeconds: 3600 };
    for (let i = 0; i < 3; i++) expect(await ask('nobody@example.com')).toEqual({ ok: false, reason: 'not_registered' });
    const emailLimits = await suite.db.selectFrom('rate_limits').select('key').where('key', 'like', '%nobody@example.com').execute();
    expect(emailLimits).toEqual([]);
    // The network still counts every request, or probing for registered emails would be free.
    expect(await ask('nobody@example.com')).toMatchObject({ ok: false, reason: 'rate_limited' });
  });

  it('with registration hidden, spends the allowances of an unknown email like those of a known one', async () => {
    deps.options.revealUnregistered = false;
    expect((await ask('nobody@example.com')).ok).toBe(true);
    expect(await ask('nobody@example.com', '198.51.100.2')).toEqual({ ok: false, reason: 'rate_limited', retryAfterSeconds: 60 });
  });
});
