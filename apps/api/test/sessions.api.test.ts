import { addUser } from '@app/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startTestApp, type TestApp } from './support/test-app';
import { reasonOf, type TestBrowser } from './support/test-browser';
import { indistinguishable, sampleAlternately, summarize } from './support/timing';

/*
 * Sessions against someone who can put a cookie into a browser (fixation), who copied a cookie
 * (theft), or who edits one (tampering), and the cookie attributes of a production deployment.
 */
let app: TestApp;
let n = 0;

beforeAll(async () => {
  // No resend cooldown: one person signs in from two browsers within a minute.
  app = await startTestApp({ env: { AUTH_RESEND_COOLDOWN_SECONDS: '0' } });
});
afterAll(() => app.close());

async function newUser(): Promise<string> {
  const email = `holder${++n}@example.com`;
  await addUser(app.db, email, 'user', new Date());
  return email;
}

/** A browser holding a copy of someone else's session cookie. */
function thiefWith(token: string): TestBrowser {
  const thief = app.browser();
  thief.cookies.set('session', token);
  return thief;
}

/** The thief is refused by a signed-in procedure and is nobody to auth.me. */
async function expectRefused(browser: TestBrowser): Promise<void> {
  expect(await browser.trpc.auth.me.query()).toBeNull();
  const reply = await browser.query('account.sessions.list');
  expect([reply.status, reasonOf(reply)]).toEqual([401, 'unauthenticated']);
}

describe('session fixation', () => {
  it('never keeps a session id chosen before sign-in', async () => {
    const email = await newUser();
    const browser = app.browser();
    const planted = `${'a'.repeat(24)}.${'b'.repeat(26)}`;
    browser.cookies.set('session', planted);
    await signIn(app, browser, email);
    const session = browser.cookies.get('session')!;
    expect(session).not.toBe(planted);
    expect(session.split('.')[0]).not.toBe(planted.split('.')[0]);
    expect(await app.db.selectFrom('sessions').select('id').where('id', '=', 'a'.repeat(24)).executeTakeFirst()).toBeUndefined();
  });

  it("replaces and ends an attacker's own session planted in the victim's browser", async () => {
    const attacker = app.browser();
    await signIn(app, attacker, await newUser());
    const attackerToken = attacker.cookies.get('session')!;

    const victimEmail = await newUser();
    const victim = app.browser();
    victim.cookies.set('session', attackerToken);
    await signIn(app, victim, victimEmail);
    expect(victim.cookies.get('session')).not.toBe(attackerToken);
    expect(await victim.trpc.auth.me.query()).toMatchObject({ email: victimEmail });
    // The planted session is gone: whoever holds it is nobody now, not the victim.
    await expectRefused(attacker);
  });
});

describe('a stolen session cookie', () => {
  it('stops working once the session is signed out', async () => {
    const browser = app.browser();
    await signIn(app, browser, await newUser());
    const thief = thiefWith(browser.cookies.get('session')!);
    expect(await thief.trpc.auth.me.query()).not.toBeNull();
    await browser.trpc.auth.signOut.mutate();
    await expectRefused(thief);
  });

  it('stops working once its owner revokes it from another session', async () => {
    const email = await newUser();
    const laptop = app.browser();
    await signIn(app, laptop, email);
    const thief = thiefWith(laptop.cookies.get('session')!);
    const phone = app.browser();
    await signIn(app, phone, email);
    await phone.trpc.account.sessions.revokeOthers.mutate();
    await expectRefused(thief);
    expect(await phone.trpc.auth.me.query()).toMatchObject({ email });
  });

  it('stops working once the user is deactivated', async () => {
    const email = await newUser();
    const browser = app.browser();
    await signIn(app, browser, email);
    const thief = thiefWith(browser.cookies.get('session')!);
    await app.db.updateTable('users').set({ status: 'deactivated' }).where('email', '=', email).execute();
    await expectRefused(thief);
  });
});

describe('a tampered session cookie', () => {
  it('is refused with the right id and a wrong secret', async () => {
    const browser = app.browser();
    await signIn(app, browser, await newUser());
    const [id, secret] = browser.cookies.get('session')!.split('.') as [string, string];
    for (const forged of [flip(secret, 0), flip(secret, secret.length - 1), 'a'.repeat(secret.length)]) {
      await expectRefused(thiefWith(`${id}.${forged}`));
    }
    expect(await browser.trpc.auth.me.query()).not.toBeNull();
  });

  // Over HTTP this shows the whole path (lookup, compare, answer) does not tell a known id apart;
  // that the comparison itself is timingSafeEqual over fixed-length digests is proven beside the
  // code, in packages/auth/test/constant-time.test.ts.
  it('takes no longer to refuse a right id with a wrong secret than an unknown id', async () => {
    const browser = app.browser();
    await signIn(app, browser, await newUser());
    const [id, secret] = browser.cookies.get('session')!.split('.') as [string, string];
    const thieves = { rightId: thiefWith(`${id}.${flip(secret, 0)}`), unknownId: thiefWith(`${flip(id, 0)}.${secret}`) };
    const samples = await sampleAlternately(['rightId', 'unknownId'], SAMPLES, async (kind) => {
      const reply = await thieves[kind].query('auth.me');
      expect(reply.body.result.data).toBeNull();
    });
    const rightId = summarize(samples.rightId);
    const unknownId = summarize(samples.unknownId);
    expect({ rightId, unknownId, indistinguishable: indistinguishable(rightId, unknownId) }).toMatchObject({ indistinguishable: true });
  });
});

describe('cookies in production (https)', () => {
  let secure: TestApp;
  beforeAll(async () => {
    secure = await startTestApp({ env: { APP_URL: 'https://auth.example.com' } });
  });
  afterAll(() => secure.close());

  it('sets host-only, Secure, HttpOnly, SameSite=Lax cookies that expire with what they carry', async () => {
    await addUser(secure.db, 'prod@example.com', 'user', new Date());
    const browser = secure.browser();
    const started = Date.now();
    await signIn(secure, browser, 'prod@example.com');
    const attempt = cookieAttributes(browser.setCookieHeaders.find((h) => h.startsWith('__Host-signin-attempt=') && !/Max-Age=0/i.test(h))!);
    const session = cookieAttributes(browser.setCookieHeaders.find((h) => h.startsWith('__Host-session='))!);
    for (const cookie of [attempt, session]) {
      expect(cookie.flags).toEqual(expect.arrayContaining(['secure', 'httponly']));
      expect(cookie.values).toMatchObject({ samesite: 'Lax', path: '/' });
      expect(cookie.values.domain).toBeUndefined();
    }
    expectAbout(Date.parse(attempt.values.expires!) - started, 900_000);
    // As long as the session could last (90 days); the server ends it sooner after 30 idle days.
    expectAbout(Date.parse(session.values.expires!) - started, 90 * 86_400_000);
    // The attempt cookie is dropped once used.
    expect(browser.cookies.has('__Host-signin-attempt')).toBe(false);
  });

  it('clears the session cookie on sign-out with the attributes a __Host- cookie needs', async () => {
    await addUser(secure.db, 'leaving@example.com', 'user', new Date());
    const browser = secure.browser();
    await signIn(secure, browser, 'leaving@example.com');
    await browser.trpc.auth.signOut.mutate();
    const cleared = cookieAttributes(browser.setCookieHeaders.findLast((h) => h.startsWith('__Host-session='))!);
    expect(cleared.value).toBe('');
    expect(cleared.flags).toEqual(expect.arrayContaining(['secure', 'httponly']));
    expect(cleared.values).toMatchObject({ path: '/', 'max-age': '0' });
    expect(browser.cookies.has('__Host-session')).toBe(false);
  });

  it('marks every API answer as not to be cached', async () => {
    const reply = await secure.browser().query('auth.me');
    expect(reply.headers.get('cache-control')).toBe('no-store');
  });
});

const SAMPLES = 40;

function flip(text: string, index: number): string {
  const replacement = text[index] === 'a' ? 'b' : 'a';
  return `${text.slice(0, index)}${replacement}${text.slice(index + 1)}`;
}

function cookieAttributes(header: string) {
  const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
  const values: Record<string, string | undefined> = {};
  const flags: string[] = [];
  for (const attribute of attributes) {
    const eq = attribute.indexOf('=');
    if (eq < 0) flags.push(attribute.toLowerCase());
    else values[attribute.slice(0, eq).toLowerCase()] = attribute.slice(eq + 1);
  }
  return { value: pair.slice(pair.indexOf('=') + 1), values, flags };
}

/** Within a minute (cookie dates have one-second precision; the test takes a few seconds). */
function expectAbout(actualMs: number, expectedMs: number): void {
  expect(Math.abs(actualMs - expectedMs)).toBeLessThan(60_000);
}
