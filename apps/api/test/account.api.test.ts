import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROME_ON_MAC, FIREFOX_ON_WINDOWS, signInAs } from './support/sign-in-as';
import { startTestApp, type TestApp } from './support/test-app';
import { reasonOf } from './support/test-browser';

let app: TestApp;
let n = 0;
const nextEmail = () => `owner${++n}@example.com`;

beforeAll(async () => {
  // One person signs in from several browsers within a minute.
  app = await startTestApp({ env: { AUTH_RESEND_COOLDOWN_SECONDS: '0', AUTH_LIMIT_CODES_PER_EMAIL: '100/1h', AUTH_LIMIT_CODES_PER_MAILBOX: '100/1h' } });
});
afterAll(() => app.close());

/** The same person signed in on a Mac, on Windows, and in a third, unknown client. */
async function threeBrowsers() {
  const email = nextEmail();
  const mac = await signInAs(app, email, { userAgent: CHROME_ON_MAC });
  const windows = await signInAs(app, email, { userAgent: FIREFOX_ON_WINDOWS });
  const other = await signInAs(app, email);
  return { email, mac, windows, other };
}

describe('account.sessions', () => {
  it('needs a session (401 unauthenticated)', async () => {
    const anonymous = app.browser();
    for (const reply of [
      await anonymous.query('account.sessions.list'),
      await anonymous.mutate('account.sessions.revoke', { id: 'x' }),
      await anonymous.mutate('account.sessions.revokeOthers', undefined),
    ]) {
      expect([reply.status, reasonOf(reply)]).toEqual([401, 'unauthenticated']);
    }
  });

  it('lists every signed-in browser with a readable device, marking the current one', async () => {
    const { mac } = await threeBrowsers();
    const { items } = await mac.browser.trpc.account.sessions.list.query();
    expect(items).toHaveLength(3);
    expect(items.map((s) => s.device).sort()).toEqual(['Chrome 120 on macOS', 'Firefox 121 on Windows', 'Unknown device']);
    expect(items.filter((s) => s.current)).toEqual([
      {
        id: mac.browser.cookies.get('session')!.split('.')[0],
        createdAt: expect.stringMatching(/Z$/),
        lastSeenAt: expect.stringMatching(/Z$/),
        expiresAt: expect.stringMatching(/Z$/),
        ip: expect.stringContaining('127.0.0.1'),
        device: 'Chrome 120 on macOS',
        current: true,
      },
    ]);
    const secret = mac.browser.cookies.get('session')!.split('.')[1]!;
    expect(JSON.stringify(items)).not.toContain(secret);
    // Someone else sees only their own.
    const stranger = await signInAs(app, nextEmail());
    expect((await stranger.browser.trpc.account.sessions.list.query()).items).toHaveLength(1);
  });

  it('revokes one of the caller’s sessions, but not someone else’s', async () => {
    const { mac, windows } = await threeBrowsers();
    const stranger = await signInAs(app, nextEmail());
    const strangerSession = stranger.browser.cookies.get('session')!.split('.')[0]!;
    const refused = await mac.browser.mutate('account.sessions.revoke', { id: strangerSession });
    expect([refused.status, reasonOf(refused)]).toEqual([404, 'not_found']);
    expect(await stranger.browser.trpc.auth.me.query()).not.toBeNull();

    const windowsSession = windows.browser.cookies.get('session')!.split('.')[0]!;
    expect(await mac.browser.trpc.account.sessions.revoke.mutate({ id: windowsSession })).toEqual({ ok: true });
    expect(await windows.browser.trpc.auth.me.query()).toBeNull();
    expect(await mac.browser.trpc.auth.me.query()).not.toBeNull();
    const again = await mac.browser.mutate('account.sessions.revoke', { id: windowsSession });
    expect([again.status, reasonOf(again)]).toEqual([404, 'not_found']);
  });

  it('revoking the current session signs this browser out', async () => {
    const { mac } = await threeBrowsers();
    const own = mac.browser.cookies.get('session')!.split('.')[0]!;
    expect(await mac.browser.trpc.account.sessions.revoke.mutate({ id: own })).toEqual({ ok: true });
    expect(mac.browser.cookies.has('session')).toBe(false);
    expect(await mac.browser.trpc.auth.me.query()).toBeNull();
  });

  it('revokeOthers signs out everywhere else and keeps the current session', async () => {
    const { email, mac, windows, other } = await threeBrowsers();
    expect(await mac.browser.trpc.account.sessions.revokeOthers.mutate()).toEqual({ revoked: 2 });
    expect(await mac.browser.trpc.auth.me.query()).toMatchObject({ email });
    expect(await windows.browser.trpc.auth.me.query()).toBeNull();
    expect(await other.browser.trpc.auth.me.query()).toBeNull();
    expect((await mac.browser.trpc.account.sessions.list.query()).items).toMatchObject([{ current: true }]);
    expect(await mac.browser.trpc.account.sessions.revokeOthers.mutate()).toEqual({ revoked: 0 });

    const audit = await app.db
      .selectFrom('audit_events')
      .select(['type', 'actor_user_id', 'subject_user_id', 'email', 'data'])
      .where('email', '=', email)
      .where('type', '=', 'session_revoked')
      .execute();
    expect(audit).toEqual([{ type: 'session_revoked', actor_user_id: mac.id, subject_user_id: mac.id, email, data: { scope: 'others', count: 2 } }]);
  });
});
