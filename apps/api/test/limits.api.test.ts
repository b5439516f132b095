import { addUser } from '@app/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { movableClock } from './support/instance';
import { startTestApp, type TestApp } from './support/test-app';
import { reasonOf, type Reply, type TestBrowser } from './support/test-browser';

/*
 * The limits over HTTP, with their default values. The server believes X-Forwarded-For from
 * loopback (TRUST_PROXY=loopback) so each test can stand for a client address of its own; the
 * second server below does not, and shows the header is then ignored.
 */
const clock = movableClock();
let app: TestApp;
let n = 0;

const DEFAULT_LIMITS = {
  AUTH_LIMIT_CODES_PER_EMAIL: '5/1h',
  AUTH_LIMIT_WRONG_CODES_PER_EMAIL: '10/1h',
  AUTH_LIMIT_WRONG_CODES_PER_EMAIL_PER_DAY: '20/1d',
  AUTH_LIMIT_CODES_PER_MAILBOX: '5/1h',
  AUTH_LIMIT_CODES_PER_IP: '30/1h',
  AUTH_LIMIT_CODES_PER_IPV6_48: '100/1h',
  AUTH_LIMIT_VERIFIES_PER_IP: '60/10m',
};

beforeAll(async () => {
  app = await startTestApp({ now: clock.now, env: { ...DEFAULT_LIMITS, TRUST_PROXY: 'loopback' } });
});
afterAll(() => app.close());

async function newUser(): Promise<string> {
  const email = `limited${++n}@example.com`;
  await addUser(app.db, email, 'user', new Date());
  return email;
}

let nextIp = 1;
/** A client address no other test uses. */
function newIp(): string {
  return `203.0.113.${nextIp++}`;
}

function requestCode(browser: TestBrowser, email: string, ip: string): Promise<Reply> {
  return browser.mutate('auth.requestCode', { email }, { 'x-forwarded-for': ip });
}

function verify(browser: TestBrowser, email: string, code: string, ip: string): Promise<Reply> {
  return browser.mutate('auth.verifyCode', { email, code, timezone: 'UTC' }, { 'x-forwarded-for': ip });
}

/** A refusal as the issue specifies it: 429 `rate_limited`, with the wait in the body and in Retry-After. */
function expectLimited(reply: Reply): number {
  expect([reply.status, reasonOf(reply)]).toEqual([429, 'rate_limited']);
  const wait = reply.body.error.data.retryAfterSeconds;
  expect(wait).toBeGreaterThan(0);
  expect(reply.headers.get('retry-after')).toBe(String(wait));
  return wait;
}

async function rowCount(table: 'sign_in_attempts' | 'email_outbox', email: string): Promise<number> {
  const rows = await app.db.selectFrom(table).select('id').where(table === 'email_outbox' ? 'recipient' : 'email', '=', email).execute();
  return rows.length;
}

describe('per email', () => {
  it('sends one code per 60 s and five per hour', async () => {
    const email = await newUser();
    const browser = app.browser();
    const ip = newIp();
    expect((await requestCode(browser, email, ip)).status).toBe(200);
    // Another browser, another address: the email is what is limited.
    const wait = expectLimited(await requestCode(app.browser(), email, newIp()));
    expect(wait).toBeLessThanOrEqual(60);
    for (let i = 0; i < 4; i++) {
      clock.advance(61);
      expect((await requestCode(browser, email, ip)).status).toBe(200);
    }
    clock.advance(61);
    // Five in the last five minutes: the hourly allowance refills one code every 12 minutes.
    expect(expectLimited(await requestCode(browser, email, ip))).toBeGreaterThan(60);
    expect(await rowCount('email_outbox', email)).toBe(5);
  });

  it('refuses an eleventh wrong code in an hour across attempts; a new code does not reset it', async () => {
    const email = await newUser();
    const ip = newIp();
    let wrongs = 0;
    // Three attempts (browsers), each given fewer wrong codes than would void it. Each attempt's
    // email is awaited, so none is still on its way when the fresh code's email is looked for.
    while (wrongs < 10) {
      const browser = app.browser();
      const sent = app.postmark.messages.length;
      expect((await requestCode(browser, email, ip)).status).toBe(200);
      await app.postmark.waitForCode(email, sent);
      for (let i = 0; i < 4 && wrongs < 10; i++, wrongs++) {
        expect(reasonOf(await verify(browser, email, '0000000', ip))).toBe('invalid_or_expired_code');
      }
      clock.advance(61);
    }
    const fresh = app.browser();
    const before = app.postmark.messages.length;
    expect((await requestCode(fresh, email, ip)).status).toBe(200);
    const code = await app.postmark.waitForCode(email, before);
    // Even the right code waits: the limit is checked before the code is looked at.
    const wait = expectLimited(await verify(fresh, email, code, ip));
    expect(wait).toBeLessThanOrEqual(6 * 60);
    clock.advance(wait);
    expect((await verify(fresh, email, code, ip)).status).toBe(200);
  });

  it('lets a patient guesser try 20 wrong codes a day, not 10 an hour', async () => {
    const email = await newUser();
    // 10 at once, then one every 6 minutes (hourly), until 20 (daily); then one every 72 minutes:
    // at 0 (×10), 6, 12, …, 60, 72, 144 and 216 minutes. The hourly limit alone would allow 49.
    expect(await wrongGuessesOver(email, newIp(), 4 * 3600)).toBe(23);
  });
});

/**
 * An attacker's loop over HTTP for `seconds` of (simulated) time: a new code whenever the current
 * one is voided or expired, a wrong guess whenever the limits allow, waiting exactly Retry-After.
 * Returns how many wrong guesses were admitted.
 */
async function wrongGuessesOver(email: string, ip: string, seconds: number): Promise<number> {
  const end = clock.now().getTime() + seconds * 1000;
  let attempt: { browser: TestBrowser; expiresAt: number } | null = null;
  let admitted = 0;
  while (clock.now().getTime() < end) {
    if (!attempt || attempt.expiresAt <= clock.now().getTime()) {
      const browser = app.browser();
      const asked = await requestCode(browser, email, ip);
      if (asked.status === 429) {
        attempt = null;
        clock.advance(asked.body.error.data.retryAfterSeconds);
      } else {
        attempt = { browser, expiresAt: clock.now().getTime() + asked.body.result.data.expiresInSeconds * 1000 };
      }
      continue;
    }
    const reply = await verify(attempt.browser, email, '0000000', ip);
    if (reply.status === 429) {
      clock.advance(reply.body.error.data.retryAfterSeconds);
      continue;
    }
    admitted += 1;
    if (reasonOf(reply) === 'too_many_attempts') attempt = null;
  }
  return admitted;
}

describe('per client network', () => {
  it('refuses a 31st code request in an hour from one address, before any other work', async () => {
    const ip = newIp();
    // Unknown emails cost the same: the network is counted before the email is looked up.
    for (let i = 0; i < 30; i++) expect(reasonOf(await requestCode(app.browser(), `nobody${i}@example.com`, ip))).toBe('not_registered');
    const email = await newUser();
    expectLimited(await requestCode(app.browser(), email, ip));
    expect(await rowCount('sign_in_attempts', email)).toBe(0);
    expect(await rowCount('email_outbox', email)).toBe(0);
    expect((await requestCode(app.browser(), email, newIp())).status).toBe(200);
  });

  it('counts an IPv6 client by its /64', async () => {
    for (let i = 1; i <= 30; i++) await requestCode(app.browser(), 'nobody@example.com', `2001:db8:77:1::${i.toString(16)}`);
    expectLimited(await requestCode(app.browser(), 'nobody@example.com', '2001:db8:77:1:ffff:ffff:ffff:ffff'));
    expect(reasonOf(await requestCode(app.browser(), 'nobody@example.com', '2001:db8:77:2::1'))).toBe('not_registered');
  });

  it('counts IPv6 code requests by /48 as well: 100 an hour across its /64s', async () => {
    for (let i = 1; i <= 100; i++) await requestCode(app.browser(), 'nobody@example.com', `2001:db8:79:${i.toString(16)}::1`);
    expectLimited(await requestCode(app.browser(), 'nobody@example.com', '2001:db8:79:ffff::1'));
    expect(reasonOf(await requestCode(app.browser(), 'nobody@example.com', '2001:db8:7a:1::1'))).toBe('not_registered');
  });

  it('refuses a 61st verify in ten minutes from one address, before looking at the attempt', async () => {
    const email = await newUser();
    const ip = newIp();
    const browser = app.browser();
    await requestCode(browser, email, newIp());
    // Verifies without an attempt of their own still count.
    for (let i = 0; i < 60; i++) expect(reasonOf(await verify(app.browser(), email, '123456', ip))).toBe('invalid_or_expired_code');
    expectLimited(await verify(browser, email, '0000000', ip));
    const attempt = await app.db.selectFrom('sign_in_attempts').select('failed_count').where('email', '=', email).executeTakeFirstOrThrow();
    expect(attempt.failed_count).toBe(0);
  });

  it('believes only the address the trusted proxy saw, not what the client wrote before it', async () => {
    const email = await newUser();
    const real = newIp();
    await app.browser().mutate('auth.requestCode', { email }, { 'x-forwarded-for': `198.51.100.250, ${real}` });
    const row = await app.db.selectFrom('sign_in_attempts').select('ip').where('email', '=', email).executeTakeFirstOrThrow();
    expect(row.ip).toBe(real);
  });
});

describe('without TRUST_PROXY, or trusting another proxy', () => {
  for (const trustProxy of [undefined, '10.0.0.1']) {
    it(`limits by the socket address whatever X-Forwarded-For says (TRUST_PROXY ${trustProxy ?? 'unset'})`, async () => {
      const direct = await startTestApp({
        env: { AUTH_LIMIT_CODES_PER_IP: '3/1h', ...(trustProxy ? { TRUST_PROXY: trustProxy } : {}) },
      });
      try {
        const replies: Reply[] = [];
        for (let i = 0; i < 4; i++) replies.push(await requestCode(direct.browser(), 'nobody@example.com', `192.0.2.${i + 1}`));
        expect(replies.map(reasonOf)).toEqual(['not_registered', 'not_registered', 'not_registered', 'rate_limited']);
        const limited = await direct.db.selectFrom('rate_limits').select('key').where('key', 'like', 'code-ip:%').execute();
        expect(limited.map((r) => r.key)).toEqual(['code-ip:127.0.0.1']);
      } finally {
        await direct.close();
      }
    });
  }
});

describe('per inbox, with open sign-up', () => {
  it('sends five codes an hour to one inbox however its address is spelled', async () => {
    const open = await startTestApp({ now: clock.now, env: { ...DEFAULT_LIMITS, SIGNUP: 'open', TRUST_PROXY: 'loopback' } });
    try {
      const variants = ['victim+1@gmail.com', 'victim+2@gmail.com', 'v.ictim@gmail.com', 'vic.tim@googlemail.com', 'Victim@Gmail.com'];
      for (const email of variants) expect((await open.browser().mutate('auth.requestCode', { email }, { 'x-forwarded-for': newIp() })).status, email).toBe(200);
      expectLimited(await open.browser().mutate('auth.requestCode', { email: 'victim+6@gmail.com' }, { 'x-forwarded-for': newIp() }));
      const outbox = await open.db.selectFrom('email_outbox').select('recipient').orderBy('id').execute();
      expect(outbox.map((r) => r.recipient).sort()).toEqual(variants.map((e) => e.toLowerCase()).sort());
    } finally {
      await open.close();
    }
  });
});

describe('forwarded addresses as proxies write them', () => {
  it('strips ports and brackets, so the per-network limit still counts', async () => {
    for (let i = 0; i < 30; i++) await requestCode(app.browser(), 'nobody@example.com', '203.0.113.201:51234');
    expectLimited(await requestCode(app.browser(), 'nobody@example.com', '203.0.113.201:443'));
    expectLimited(await requestCode(app.browser(), 'nobody@example.com', '203.0.113.201'));
    for (let i = 1; i <= 30; i++) await requestCode(app.browser(), 'nobody@example.com', `[2001:db8:78:1::${i.toString(16)}]:443`);
    expectLimited(await requestCode(app.browser(), 'nobody@example.com', '2001:db8:78:1::ffff'));
    const email = await newUser();
    await requestCode(app.browser(), email, '[::ffff:203.0.113.202]:8080');
    const row = await app.db.selectFrom('sign_in_attempts').select('ip').where('email', '=', email).executeTakeFirstOrThrow();
    expect(row.ip).toBe('203.0.113.202');
  });

  it('falls back to the socket address for what is not an address, and warns once', async () => {
    const proxied = await startTestApp({ env: { AUTH_LIMIT_CODES_PER_IP: '3/1h', TRUST_PROXY: 'loopback' } });
    try {
      const junk = ['unknown', 'not-an-ip', '1.2.3', '_hidden'];
      const replies = [];
      for (const forwarded of junk) replies.push(await requestCode(proxied.browser(), 'nobody@example.com', forwarded));
      expect(replies.map(reasonOf)).toEqual(['not_registered', 'not_registered', 'not_registered', 'rate_limited']);
      const limited = await proxied.db.selectFrom('rate_limits').select('key').where('key', 'like', 'code-ip:%').execute();
      expect(limited.map((r) => r.key)).toEqual(['code-ip:127.0.0.1']);
      const warnings = proxied.logs.filter((l) => l.level === 'warn' && l.message.includes('client address'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.fields).toMatchObject({ forwarded: 'unknown', socket: '127.0.0.1' });
    } finally {
      await proxied.close();
    }
  });
});
