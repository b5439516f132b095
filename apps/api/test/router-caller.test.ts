import { addUser } from '@app/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Context, createContextInner } from '../src/context';
import { ReasonError } from '../src/errors';
import { appRouter } from '../src/router';
import { createCallerFactory } from '../src/trpc';
import { startTestApp, type TestApp } from './support/test-app';

/*
 * The routers without HTTP: a caller over the framework-free context, with a cookie jar in place
 * of the browser. What HTTP adds (CSRF, status codes, batches) is tested in the *.api tests.
 */
const createCaller = createCallerFactory(appRouter);

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

/** A caller whose cookies persist between calls, as a browser's would. */
function callerWithJar(): { caller: ReturnType<typeof createCaller>; jar: Map<string, string>; users: string[] } {
  const jar = new Map<string, string>();
  const users: string[] = [];
  const context = (): Context =>
    createContextInner({
      services: app.server.services,
      cookies: Object.fromEntries(jar),
      meta: { ip: '192.0.2.7', userAgent: 'router-caller test' },
      setCookie: (name, value) => (value === '' ? jar.delete(name) : jar.set(name, value)),
      noteUser: (userId) => users.push(userId),
    });
  // A fresh context per call, like one request per call.
  const caller = createCaller(context);
  return { caller, jar, users };
}

describe('the router through createCaller', () => {
  it('signs in with a code, knows the user, signs out', async () => {
    await addUser(app.db, 'caller@example.com', 'user', new Date());
    const { caller, jar, users } = callerWithJar();
    const { cookies } = app.server.services;
    const before = app.postmark.messages.length;

    expect(await caller.auth.requestCode({ email: 'caller@example.com' })).toMatchObject({ email: 'caller@example.com', codeLength: 6 });
    expect(jar.has(cookies.attempt)).toBe(true);
    const code = await app.postmark.waitForCode('caller@example.com', before);

    const { user } = await caller.auth.verifyCode({ email: 'caller@example.com', code, timezone: 'Europe/Berlin' });
    expect(user).toMatchObject({ email: 'caller@example.com', role: 'user', timezone: 'Europe/Berlin' });
    expect([...jar.keys()]).toEqual([cookies.session]);
    expect(await caller.auth.me()).toEqual(user);
    expect(users).toEqual([user.id, user.id]);

    await caller.auth.signOut();
    expect(jar.size).toBe(0);
    expect(await caller.auth.me()).toBeNull();
  });

  it('refuses with the reason: a wrong code, and an admin procedure for a signed-out caller', async () => {
    const { caller } = callerWithJar();
    const wrong = await caller.auth.verifyCode({ email: 'nobody@example.com', code: '000000', timezone: 'UTC' }).catch((error: unknown) => error);
    expect(wrong).toBeInstanceOf(ReasonError);
    expect((wrong as ReasonError).reason).toBe('invalid_or_expired_code');
    await expect(caller.admin.users.list({})).rejects.toMatchObject({ reason: 'unauthenticated' });
  });
});
