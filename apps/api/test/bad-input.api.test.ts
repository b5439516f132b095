import { connect } from 'node:net';
import { addUser } from '@app/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REASONS } from '../src/errors';
import { type InputCase, type Json, malformedInputs, malformedWebhookPayloads } from './support/malformed-inputs';
import { signIn, startTestApp, type TestApp } from './support/test-app';
import { reasonOf, type Reply, type TestBrowser } from './support/test-browser';

/*
 * Garbage at every door: each procedure's input broken every way its schema allows (generated from
 * the router, see support/malformed-inputs.ts), and broken HTTP, JSON and batches around them.
 * Every answer must be a 4xx with a reason, never a 5xx or a stack trace, and the server must be
 * healthy afterwards.
 */
let app: TestApp;
let admin: TestBrowser;

beforeAll(async () => {
  app = await startTestApp();
  admin = app.browser();
  await signIn(app, admin, 'admin@app.test');
});
afterAll(() => app.close());

interface Case {
  name: string;
  send: () => Promise<Reply>;
}

function call({ path, type, input }: InputCase): Promise<Reply> {
  return type === 'query' ? admin.query(path, input) : admin.mutate(path, input);
}

function procedureCases(): Case[] {
  return malformedInputs().map((c) => ({ name: c.name, send: () => call(c) }));
}

/** What is not a Postmark webhook payload, sent to the webhook with its credentials. */
function webhookCases(): Case[] {
  return malformedWebhookPayloads().map(({ name, body, contentType }) => ({
    name: `webhook: ${name}`,
    send: () => app.postmark.webhooks.send(body, contentType ? { 'content-type': contentType } : {}),
  }));
}

const JSON_HEADERS = { 'content-type': 'application/json', origin: 'http://app.test' };

function post(path: string, body: string, headers: Record<string, string> = JSON_HEADERS): Promise<Reply> {
  return admin.raw(path, { method: 'POST', headers, body });
}

function nested(depth: number, open: string, close: string, inner = '1'): string {
  return `${open.repeat(depth)}${inner}${close.repeat(depth)}`;
}

/** Broken HTTP and JSON around the procedures, and batches used as a weapon. */
function transportCases(): Case[] {
  const list: Array<[string, () => Promise<Reply>]> = [
    ['invalid JSON', () => post('/trpc/auth.requestCode', '{"email":')],
    ['JSON with trailing garbage', () => post('/trpc/auth.requestCode', '{"email":"a@example.com"}xyz')],
    ['a lone NUL byte', () => post('/trpc/auth.requestCode', '\u0000')],
    ['invalid UTF-8', () => admin.raw('/trpc/auth.requestCode', { method: 'POST', headers: JSON_HEADERS, body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) })],
    ['a body over the size limit', () => post('/trpc/auth.requestCode', JSON.stringify({ email: 'a'.repeat(20_000) }))],
    ['a body of a megabyte', () => post('/trpc/auth.requestCode', JSON.stringify({ email: 'a'.repeat(1_000_000) }))],
    ['arrays nested 5000 deep', () => post('/trpc/auth.requestCode', nested(5000, '[', ']'))],
    ['objects nested 1500 deep', () => post('/trpc/auth.requestCode', nested(1500, '{"email":', '}', '"a@example.com"'))],
    ['a deep input in a query string', () => admin.raw(`/trpc/admin.users.list?input=${encodeURIComponent(nested(2000, '[', ']'))}`)],
    ['a query input that is not JSON', () => admin.raw('/trpc/admin.users.list?input=%7Bnope')],
    ['bad percent-encoding in the query', () => admin.raw('/trpc/admin.users.list?input=%E0%A4%A')],
    ['bad percent-encoding in the path', () => admin.raw('/trpc/%E0%A4%A')],
    ['an unknown procedure', () => admin.query('auth.nothing')],
    ['a path into a procedure', () => admin.query('auth.me.deeper')],
    ['an empty procedure path', () => admin.raw('/trpc/')],
    ['a procedure path of 2000 dots', () => admin.raw(`/trpc/${'.'.repeat(2000)}`)],
    ['a mutation over GET', () => admin.query('auth.signOut')],
    ['a query over POST', () => post('/trpc/auth.me', '{}')],
    ['PUT', () => admin.raw('/trpc/auth.requestCode', { method: 'PUT', headers: JSON_HEADERS, body: '{}' })],
    ['DELETE', () => admin.raw('/trpc/auth.signOut', { method: 'DELETE', headers: JSON_HEADERS })],
    ['PATCH', () => admin.raw('/trpc/auth.signOut', { method: 'PATCH', headers: JSON_HEADERS, body: '{}' })],
    ['a form body', () => post('/trpc/auth.requestCode', 'email=a%40example.com', { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://app.test' })],
    ['JSON declared as UTF-16', () => post('/trpc/auth.requestCode', '{"email":1}', { ...JSON_HEADERS, 'content-type': 'application/json; charset=utf-16' })],
    ['no content type', () => post('/trpc/auth.requestCode', '{}', { origin: 'http://app.test' })],
    ['Origin "null"', () => post('/trpc/auth.requestCode', '{}', { 'content-type': 'application/json', origin: 'null' })],
    ['a batch over the size limit', () => batch('auth.requestCode', 11, () => ({ email: 'bad' }))],
    ['a batch of 200 calls', () => batch('auth.requestCode', 200, () => ({ email: 'bad' }))],
    ['a batch whose inputs are numbered wrongly', () => post('/trpc/auth.requestCode,auth.requestCode?batch=1', JSON.stringify({ 5: { email: 1 }, x: {} }))],
    ['a batch whose body is an array', () => post('/trpc/auth.requestCode,auth.requestCode?batch=1', JSON.stringify([{ email: 1 }, { email: 2 }]))],
    ['a batch whose body is a string', () => post('/trpc/auth.requestCode?batch=1', '"oops"')],
    ['a batch mixing a query into mutations', () => post('/trpc/auth.requestCode,auth.me?batch=1', JSON.stringify({ 0: { email: 'x' }, 1: {} }))],
    ['a batch of unknown procedures', () => post('/trpc/a,b,c?batch=1', JSON.stringify({ 0: {}, 1: {}, 2: {} }))],
    ['batch=yes', () => post('/trpc/auth.requestCode?batch=yes', '{"email":1}')],
    ['a GET batch with bad input', () => admin.raw(`/trpc/admin.users.list,admin.audit.list?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { limit: -1 }, 1: { cursor: '!' } }))}`)],
    ['a cookie header of 10 KB', () => withCookie(`session=${'x'.repeat(10_000)}`)],
    ['a malformed cookie header', () => withCookie('=;;;session;=%%%')],
    ['a session cookie of the wrong shape', () => withCookie("session=' OR 1=1 --")],
    ['a session cookie with a NUL byte', () => withCookie('session=abc%00def')],
    ['an unknown path', () => admin.raw('/../../etc/passwd', { headers: { accept: 'application/json' } })],
    ['a URL over the header limit', () => rawHttp(`GET /trpc/auth.me?input=${'x'.repeat(20_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`)],
    ['headers over the limit', () => rawHttp(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'x'.repeat(20_000)}\r\n\r\n`)],
    ['not HTTP at all', () => rawHttp('HELLO THERE\r\n\r\n')],
    ['a bad Content-Length', () => rawHttp('POST /trpc/auth.requestCode HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: nope\r\n\r\n{}')],
    ['both Content-Length and chunked', () => rawHttp('POST /trpc/auth.requestCode HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n')],
    ['a header with a NUL byte', () => rawHttp('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Evil: a\u0000b\r\n\r\n')],
    ['a request line with spaces in the path', () => rawHttp('GET /trpc/auth me HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')],
  ];
  return list.map(([name, send]) => ({ name: `HTTP: ${name}`, send }));
}

/** A signed-out browser sending exactly this Cookie header to a signed-in procedure. */
function withCookie(cookie: string): Promise<Reply> {
  return app.browser().raw('/trpc/account.sessions.list', { headers: { cookie } });
}

function batch(path: string, calls: number, input: () => Json): Promise<Reply> {
  const paths = Array.from({ length: calls }, () => path).join(',');
  const body = Object.fromEntries(Array.from({ length: calls }, (_, i) => [String(i), input()]));
  return post(`/trpc/${paths}?batch=1`, JSON.stringify(body));
}

/**
 * Writes bytes fetch refuses to send, and reads the answer: status and JSON body. A server that
 * does not answer and close within `idleMs` is a failure (status 0).
 */
function rawHttp(request: string, idleMs = 5_000): Promise<Reply> {
  const { port } = new URL(app.url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(idleMs, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      const bodyText = text.slice(text.indexOf('\r\n\r\n') + 4);
      let body: unknown = bodyText;
      try {
        body = JSON.parse(bodyText);
      } catch {
        // not JSON
      }
      resolve({ status, headers: new Headers(), body });
    });
    socket.write(request);
  });
}

// ---- The suite -----------------------------------------------------------------------------------

/** Each error a reply carries (a batch carries one per call). */
function errorsOf(reply: Reply): unknown[] {
  return Array.isArray(reply.body) ? reply.body.map((item: any) => item?.error) : [reply.body?.error];
}

describe('malformed requests', () => {
  it('are each answered with a 4xx and a reason, never a 5xx or a stack trace', { timeout: 120_000 }, async () => {
    const cases = [...procedureCases(), ...transportCases(), ...webhookCases()];
    expect(cases.length).toBeGreaterThanOrEqual(200);
    const problems: string[] = [];
    for (const { name, send } of cases) {
      const reply = await send();
      const text = JSON.stringify(reply.body) ?? '';
      const reasons = errorsOf(reply).map((error: any) => error?.data?.reason);
      if (reply.status < 400 || reply.status >= 500) problems.push(`${name}: status ${reply.status} ${text.slice(0, 200)}`);
      else if (!reasons.every((reason) => (REASONS as readonly string[]).includes(reason))) problems.push(`${name}: reason ${JSON.stringify(reasons)} ${text.slice(0, 200)}`);
      if (/\bat .+:\d+:\d+|node_modules|\/src\/|Internal error/.test(text)) problems.push(`${name}: leaks internals ${text.slice(0, 200)}`);
    }
    expect(problems).toEqual([]);
    expect(app.logs.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('leave the server healthy: health checks pass and people can still sign in', async () => {
    expect((await app.browser().raw('/healthz')).status).toBe(200);
    expect((await app.browser().raw('/readyz')).status).toBe(200);
    await addUser(app.db, 'after-the-storm@example.com', 'user', new Date());
    const browser = app.browser();
    await signIn(app, browser, 'after-the-storm@example.com');
    expect(await browser.trpc.auth.me.query()).toMatchObject({ email: 'after-the-storm@example.com' });
    expect(reasonOf(await admin.query('admin.users.list'))).toBeUndefined();
  });
});
