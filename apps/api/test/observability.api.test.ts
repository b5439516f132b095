import { addUser } from '@app/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { movableClock, waitUntil } from './support/instance';
import { signIn, startTestApp, type TestApp } from './support/test-app';
import { reasonOf } from './support/test-browser';

/*
 * What operators see: the request log (pino), refusals in the log and the audit log, and /metrics.
 * `app` trusts loopback as its proxy and has a metrics token; `plain` has neither.
 */
const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
const clock = movableClock();
let app: TestApp;
let plain: TestApp;
let n = 0;

beforeAll(async () => {
  [app, plain] = await Promise.all([
    startTestApp({ now: clock.now, env: { METRICS_TOKEN, TRUST_PROXY: 'loopback' } }),
    startTestApp(),
  ]);
});
afterAll(() => Promise.all([app?.close(), plain?.close()]));

async function newUser(role: 'user' | 'admin' = 'user'): Promise<string> {
  const email = `observed${++n}@example.com`;
  await addUser(app.db, email, role, new Date());
  return email;
}

async function scrape(target = app, authorization = `Bearer ${METRICS_TOKEN}`) {
  const response = await fetch(`${target.url}/metrics`, { headers: authorization ? { authorization } : {} });
  return { status: response.status, text: await response.text() };
}

/** The value of one series in Prometheus's text format, 0 when it is absent. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

function linesOf(target: TestApp, reqId: string) {
  return target.logs.filter((l) => l.fields.reqId === reqId);
}

describe('/metrics', () => {
  it('is a 404 without METRICS_TOKEN, and 401 without the right bearer token', async () => {
    expect((await scrape(plain)).status).toBe(404);
    expect((await scrape(app, '')).status).toBe(401);
    expect((await scrape(app, `Bearer ${METRICS_TOKEN}x`)).status).toBe(401);
    expect((await scrape(app, METRICS_TOKEN)).status).toBe(401);
    const ok = await scrape(app);
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('process_cpu_user_seconds_total');
    expect(ok.text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('counts a sign-in, a refused code request, a failed email and the outbox', async () => {
    const before = (await scrape()).text;
    const signer = await newUser();
    await signIn(app, app.browser(), signer);

    const refused = await app.browser().mutate('auth.requestCode', { email: 'nobody@example.com' });
    expect(reasonOf(refused)).toBe('not_registered');

    const bounced = await newUser();
    app.postmark.markInactive(bounced);
    await app.browser().trpc.auth.requestCode.mutate({ email: bounced });
    await waitUntil(async () => (await app.db.selectFrom('audit_events').select('id').where('type', '=', 'email_failed').where('email', '=', bounced).execute()).length > 0);

    const after = (await scrape()).text;
    const delta = (series: string) => sample(after, series) - sample(before, series);
    expect(delta('auth_sign_ins_total{method="code"}')).toBe(1);
    expect(delta('auth_code_requests_total{outcome="sent"}')).toBe(2);
    expect(delta('auth_code_requests_total{outcome="not_registered"}')).toBe(1);
    expect(delta('auth_refusals_total{reason="not_registered"}')).toBe(1);
    expect(delta('email_sent_total{kind="sign_in_code"}')).toBe(1);
    expect(delta('email_failures_total{kind="sign_in_code",permanent="true"}')).toBe(1);
    expect(delta('http_request_duration_seconds_count{procedure="auth.verifyCode",status="200"}')).toBe(1);
    expect(delta('http_request_duration_seconds_count{procedure="auth.requestCode",status="403"}')).toBe(1);
    expect(after).toContain('email_outbox_pending 0');
    expect(after).toContain('email_outbox_oldest_pending_seconds 0');
  });
});

describe('request ids', () => {
  it('takes X-Request-Id from a trusted proxy and puts it in the answer and every log line of the request', async () => {
    const reply = await app.browser().raw('/trpc/auth.requestCode', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://app.test', 'x-request-id': 'trace-abc.123' },
      body: JSON.stringify({ email: 'stranger@example.com' }),
    });
    expect(reply.headers.get('x-request-id')).toBe('trace-abc.123');
    expect(linesOf(app, 'trace-abc.123').map((l) => l.message)).toEqual(['request refused', 'request completed']);
  });

  it('generates one when the header comes from an untrusted client or does not look like an id', async () => {
    const untrusted = await plain.browser().raw('/healthz', { headers: { 'x-request-id': 'chosen-by-client' } });
    const malformed = await app.browser().raw('/healthz', { headers: { 'x-request-id': 'has spaces; and more' } });
    for (const reply of [untrusted, malformed]) expect(reply.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
    expect(linesOf(plain, 'chosen-by-client')).toEqual([]);
    expect(linesOf(plain, untrusted.headers.get('x-request-id')!)).toMatchObject([{ message: 'request completed', fields: { procedure: 'healthz', status: 200 } }]);
  });
});

describe('the request log', () => {
  it('writes one line per request with method, procedure, status, duration, client IP and user', async () => {
    const email = await newUser();
    const browser = app.browser();
    const { user } = await signIn(app, browser, email);
    const reply = await browser.query('auth.me');
    const [line] = linesOf(app, reply.headers.get('x-request-id')!);
    expect(line).toMatchObject({ level: 'info', message: 'request completed', fields: { method: 'GET', procedure: 'auth.me', status: 200, ip: '127.0.0.1', userId: user.id } });
    expect(line!.fields.durationMs).toEqual(expect.any(Number));
    // The address as the limits and refusal lines read it: a proxy's port or brackets are not part of it.
    const forwarded = await browser.raw('/trpc/auth.me', { headers: { 'x-forwarded-for': '[2001:db8::7]:443' } });
    expect(linesOf(app, forwarded.headers.get('x-request-id')!)[0]?.fields.ip).toBe('2001:db8::7');
  });

  it('writes exactly one line and one observation for every answer, however it is sent', async () => {
    const browser = app.browser();
    const before = await scrape();
    const count = (text: string, procedure: string, status: number) => sample(text, `http_request_duration_seconds_count{procedure="${procedure}",status="${status}"}`);
    const replies = [
      await browser.raw('/healthz'),
      await browser.raw('/healthz', { method: 'HEAD' }),
      await browser.raw('/trpc/auth.me?batch=1&input=%7B%7D'),
      await browser.raw('/no/such/page'),
      await browser.raw('/trpc/auth.me', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }),
    ];
    const after = await scrape();
    // A refusal writes a line of its own besides (the last request's): the request lines are counted.
    const lines = replies.map((reply) => linesOf(app, reply.headers.get('x-request-id')!).filter((l) => l.message.startsWith('request ') && l.message !== 'request refused'));
    expect(lines.map((l) => l.length)).toEqual([1, 1, 1, 1, 1]);
    expect(lines.map((l) => l[0]!.fields.status)).toEqual(replies.map((reply) => reply.status));
    expect(count(after.text, 'healthz', 200) - count(before.text, 'healthz', 200)).toBe(2);
    expect(count(after.text, 'auth.me', 200) - count(before.text, 'auth.me', 200)).toBe(1);
    expect(count(after.text, 'other', 404) - count(before.text, 'other', 404)).toBe(1);
  });

  it('never holds a cookie, code, token or email body', async () => {
    const email = await newUser();
    const browser = app.browser();
    const code = await (async () => {
      const before = app.postmark.messages.length;
      await browser.trpc.auth.requestCode.mutate({ email });
      return app.postmark.waitForCode(email, before);
    })();
    const body = app.postmark.messages.at(-1)!.TextBody!;
    await browser.trpc.auth.verifyCode.mutate({ email, code, timezone: 'UTC' });
    await browser.query('auth.me');
    await scrape();
    app.server.services.log.info('a careless line', { cookie: 'session=abc', code: '123456', token: 'tok-9f8e7d', headers: { authorization: 'Bearer xyz-secret' } });

    const secrets = [code, ...browser.cookies.values(), METRICS_TOKEN, body.split('\n').find((l) => l.length > 30)!, 'session=abc', 'tok-9f8e7d', 'Bearer xyz-secret'];
    const written = app.logs.map((l) => l.raw).join('\n');
    for (const secret of secrets) expect(written).not.toContain(secret);
    expect(app.logs.at(-1)!.fields).toEqual({ cookie: '[redacted]', code: '[redacted]', token: '[redacted]', headers: { authorization: '[redacted]' } });
  });
});

describe('refusals', () => {
  it('log one line with reason, procedure, client IP, user and request id, and count by reason', async () => {
    const before = (await scrape()).text;
    const userEmail = await newUser();
    const browser = app.browser();
    const { user } = await signIn(app, browser, userEmail);

    const forbidden = await browser.query('admin.users.list');
    const unauthenticated = await app.browser().query('account.sessions.list');
    const csrf = await browser.mutate('auth.signOut', undefined, { origin: 'https://evil.test' });
    const noCookie = await app.browser().mutate('auth.verifyCode', { email: userEmail, code: '123456', timezone: 'UTC' });
    expect([forbidden, unauthenticated, csrf, noCookie].map(reasonOf)).toEqual(['forbidden', 'unauthenticated', 'csrf_rejected', 'invalid_or_expired_code']);

    const refusal = (reply: { headers: Headers }) => linesOf(app, reply.headers.get('x-request-id')!).find((l) => l.message === 'request refused');
    expect(refusal(forbidden)).toMatchObject({ fields: { reason: 'forbidden', procedure: 'admin.users.list', ip: '127.0.0.1', userId: user.id } });
    expect(refusal(unauthenticated)).toMatchObject({ fields: { reason: 'unauthenticated', procedure: 'account.sessions.list', ip: '127.0.0.1' } });
    expect(refusal(unauthenticated)!.fields.userId).toBeUndefined();
    expect(refusal(csrf)).toMatchObject({ fields: { reason: 'csrf_rejected', procedure: 'auth.signOut' } });
    expect(refusal(noCookie)).toMatchObject({ fields: { reason: 'invalid_or_expired_code', procedure: 'auth.verifyCode', detail: 'no attempt cookie' } });
    // The browser signed in, so its attempt cookie is gone: bring another browser's attempt instead.
    const other = app.browser();
    await other.trpc.auth.requestCode.mutate({ email: await newUser() });
    browser.cookies.set('signin-attempt', other.cookies.get('signin-attempt')!);
    const mismatch = await browser.mutate('auth.verifyCode', { email: userEmail, code: '123456', timezone: 'UTC' });
    expect(refusal(mismatch)).toMatchObject({ fields: { reason: 'invalid_or_expired_code', detail: 'foreign attempt' } });

    const after = (await scrape()).text;
    const delta = (reason: string) => sample(after, `auth_refusals_total{reason="${reason}"}`) - sample(before, `auth_refusals_total{reason="${reason}"}`);
    expect(['forbidden', 'unauthenticated', 'csrf_rejected'].map(delta)).toEqual([1, 1, 1]);
    expect(delta('invalid_or_expired_code')).toBe(2);
  });

  it('reach the audit log as one row per minute, network and reason, with a count', async () => {
    // To one second past a minute's start, so the probes below stay within their minute.
    clock.advance(120 - ((clock.now().getTime() % 60_000) / 1000) + 1);
    const probe = async (ip: string) => app.browser().mutate('auth.requestCode', { email: `ghost${++n}@example.com` }, { 'x-forwarded-for': ip });
    const firstProbeAt = clock.now().getTime();
    for (let i = 0; i < 7; i += 1) expect(reasonOf(await probe('198.51.100.7'))).toBe('not_registered');
    await probe('2001:db8:1:2::10');
    await probe('2001:db8:1:2::11');
    clock.advance(60);
    await probe('198.51.100.7');

    const registered = await newUser();
    const browser = app.browser();
    await browser.trpc.auth.requestCode.mutate({ email: registered });
    for (let i = 0; i < 3; i += 1) expect(reasonOf(await browser.mutate('auth.requestCode', { email: registered }))).toBe('rate_limited');

    const admin = app.browser();
    await signIn(app, admin, await newUser('admin'));
    const { items } = await admin.trpc.admin.audit.list.query({ type: 'requests_refused', limit: 4 });
    const rows = items.map((r) => ({ ip: r.ip, ...r.data })).reverse();
    expect(rows).toEqual([
      { ip: '198.51.100.7', reason: 'not_registered', procedure: 'auth.requestCode', network: '198.51.100.7', count: 7 },
      { ip: '2001:db8:1:2::10', reason: 'not_registered', procedure: 'auth.requestCode', network: '2001:db8:1:2::/64', count: 2 },
      { ip: '198.51.100.7', reason: 'not_registered', procedure: 'auth.requestCode', network: '198.51.100.7', count: 1 },
      { ip: '127.0.0.1', reason: 'rate_limited', procedure: 'auth.requestCode', network: '127.0.0.1', count: 3 },
    ]);
    // Dated by the minute's first refusal, not the minute's start, so it sorts among the events around it.
    expect(new Date(items.at(-1)!.at).getTime()).toBeGreaterThanOrEqual(firstProbeAt);
  });
});

describe('/metrics, last: it stops the delivery worker', () => {
  it('reads the outbox gauges from the database, and gives every unknown path one label', async () => {
    await app.server.worker.stop();
    try {
      const email = await newUser();
      await app.browser().trpc.auth.requestCode.mutate({ email });
      clock.advance(30);
      await app.browser().raw('/no/such/page');
      await app.browser().raw('/trpc/no.such.procedure');
      const { text } = await scrape();
      expect(sample(text, 'email_outbox_pending')).toBe(1);
      expect(sample(text, 'email_outbox_oldest_pending_seconds')).toBeGreaterThanOrEqual(30);
      expect(sample(text, 'http_request_duration_seconds_count{procedure="other",status="404"}')).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'http_request_duration_seconds_count{procedure="unknown",status="404"}')).toBeGreaterThanOrEqual(1);
      expect(text).not.toContain('no.such');
    } finally {
      // Not restarted: this is the file's last test.
    }
  });
});
