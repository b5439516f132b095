import { addUser } from '@app/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reasonOf } from './support/test-browser';
import { signIn, startTestApp, type TestApp } from './support/test-app';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
  await addUser(app.db, 'guarded@example.com', 'user', new Date());
});
afterAll(() => app.close());

describe('CSRF', () => {
  const body = JSON.stringify({ email: 'guarded@example.com' });
  const refused: Array<[string, Record<string, string>]> = [
    ['text/plain', { 'content-type': 'text/plain', origin: 'http://app.test' }],
    ['a form', { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://app.test' }],
    ['multipart', { 'content-type': 'multipart/form-data; boundary=x', origin: 'http://app.test' }],
    ['a foreign Origin', { 'content-type': 'application/json', origin: 'https://evil.example' }],
    ['a look-alike Origin', { 'content-type': 'application/json', origin: 'http://app.test.evil.example' }],
    ['no Origin and no Sec-Fetch-Site', { 'content-type': 'application/json' }],
    ['Sec-Fetch-Site cross-site', { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' }],
  ];
  for (const [what, headers] of refused) {
    it(`refuses a mutation with ${what}`, async () => {
      const reply = await app.browser().raw('/trpc/auth.requestCode', { method: 'POST', headers, body });
      expect([reply.status, reasonOf(reply)]).toEqual([403, 'csrf_rejected']);
    });
  }

  it('accepts Sec-Fetch-Site same-origin without an Origin', async () => {
    const reply = await app.browser().raw('/trpc/auth.requestCode', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ email: 'nobody@example.com' }),
    });
    expect(reasonOf(reply)).toBe('not_registered');
  });

  it('answers a refused batch with one error per call', async () => {
    const reply = await app.browser().raw('/trpc/auth.requestCode,auth.signOut?batch=1', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(reply.status).toBe(403);
    expect(reply.body).toHaveLength(2);
    expect(reply.body[0].error.data.reason).toBe('csrf_rejected');
  });

  it('does not run mutations over GET', async () => {
    const reply = await app.browser().query('auth.signOut');
    expect(reply.status).toBe(405);
    expect(reasonOf(reply)).toBe('bad_request');
  });
});

describe('bad input', () => {
  const cases: Array<[string, string, number]> = [
    ['invalid JSON', '{"email":', 400],
    ['a number for the email', JSON.stringify({ email: 42 }), 400],
    ['an array', JSON.stringify([1, 2, 3]), 400],
    ['null', 'null', 400],
    ['a huge body', JSON.stringify({ email: 'a'.repeat(100_000) }), 413],
    ['a long email', JSON.stringify({ email: `${'a'.repeat(2000)}@example.com` }), 400],
  ];
  for (const [what, body, status] of cases) {
    it(`answers ${what} with ${status} and a reason, never a stack`, async () => {
      const reply = await app.browser().raw('/trpc/auth.requestCode', {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'http://app.test' },
        body,
      });
      expect(reply.status).toBe(status);
      expect(reasonOf(reply)).toBe('bad_request');
      expect(JSON.stringify(reply.body)).not.toMatch(/stack|at .*\.ts:\d+/);
    });
  }

  it('answers an unknown procedure with 404 not_found', async () => {
    const reply = await app.browser().query('auth.nope');
    expect([reply.status, reasonOf(reply)]).toEqual([404, 'not_found']);
  });

  it('answers an unknown path with a JSON 404', async () => {
    const reply = await app.browser().raw('/nope', { headers: { accept: 'application/json' } });
    expect([reply.status, reasonOf(reply)]).toEqual([404, 'not_found']);
  });
});

describe('headers and health', () => {
  it('sends security headers with a CSP that fits the SPA', async () => {
    const reply = await app.browser().raw('/healthz');
    expect(reply.status).toBe(200);
    const csp = reply.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
    expect(reply.headers.get('x-powered-by')).toBeNull();
  });

  it('is ready when the database answers', async () => {
    const reply = await app.browser().raw('/readyz');
    expect([reply.status, reply.body]).toEqual([200, { ok: true }]);
  });

  it('keeps the dev mailbox closed in production', async () => {
    const reply = await app.browser().query('dev.mailbox');
    expect([reply.status, reasonOf(reply)]).toEqual([403, 'forbidden']);
  });
});

describe('https deployment', () => {
  let secure: TestApp;
  beforeAll(async () => {
    secure = await startTestApp({ env: { APP_URL: 'https://auth.example.com' } });
    await addUser(secure.db, 'secure@example.com', 'user', new Date());
  });
  afterAll(() => secure.close());

  it('uses __Host- cookies with Secure, HttpOnly, SameSite=Lax and Path=/', async () => {
    const browser = secure.browser();
    await signIn(secure, browser, 'secure@example.com');
    const session = browser.setCookieHeaders.find((h) => h.startsWith('__Host-session='));
    expect(session).toBeDefined();
    for (const attribute of ['Secure', 'HttpOnly', 'SameSite=Lax', 'Path=/']) expect(session).toContain(attribute);
    expect(session).not.toMatch(/Domain=/i);
    expect(browser.setCookieHeaders.some((h) => h.startsWith('__Host-signin-attempt=') && h.includes('Secure'))).toBe(true);
    expect(await browser.trpc.auth.me.query()).toMatchObject({ email: 'secure@example.com' });
  });

  it('sends HSTS', async () => {
    const reply = await secure.browser().raw('/healthz');
    expect(reply.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  });
});
