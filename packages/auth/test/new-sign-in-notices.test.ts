import { createDatabase } from '@app/db';
import { describe, expect, it } from 'vitest';
import { addUser, queueNewSignInNotices, requestCode, verifyCode } from '../src/index';
import { latestCode, useDatabaseSuite } from './helpers';

const suite = useDatabaseSuite();
const MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

async function signIn(email: string, meta: { ip: string; userAgent: string }) {
  const deps = suite.deps;
  const requested = await requestCode(suite.db, deps, { email, attemptToken: undefined, meta });
  if (!requested.ok) throw new Error(requested.reason);
  const code = await latestCode(suite.db, email);
  const verified = await verifyCode(suite.db, deps, { email, code, timezone: 'America/New_York', attemptToken: requested.attempt.token, sessionToken: undefined, meta });
  if (!verified.ok) throw new Error(verified.reason);
}

function noticesTo(email: string) {
  return suite.db.selectFrom('email_outbox').select(['subject', 'text_body', 'user_id']).where('recipient', '=', email).where('kind', '=', 'new_sign_in').orderBy('id').execute();
}

describe('new-sign-in notices', () => {
  it('are queued exactly once when several instances look at the same sign-ins at once', async () => {
    const email = 'ada@example.com';
    const { user } = await addUser(suite.db, email, 'user', suite.deps.now());
    await signIn(email, { ip: '192.0.2.1', userAgent: MAC });
    await queueNewSignInNotices(suite.db, suite.deps);
    suite.deps.clock.advance(120);
    await signIn(email, { ip: '198.51.100.2', userAgent: LINUX });
    // Four "instances" with connections of their own (on Postgres), all looking at once.
    const url = suite.url;
    const others = url ? await Promise.all([1, 2, 3].map(() => createDatabase({ url, poolSize: 1 }))) : [suite.db, suite.db, suite.db];
    try {
      const reports = await Promise.all([suite.db, ...others].map((db) => queueNewSignInNotices(db, suite.deps)));
      expect(reports.reduce((sum, r) => sum + r.notified, 0)).toBe(1);
      expect(reports.reduce((sum, r) => sum + r.checked, 0)).toBe(1);
    } finally {
      if (url) await Promise.all(others.map((db) => db.destroy()));
    }
    const sent = await noticesTo(email);
    expect(sent).toEqual([{ subject: 'New sign-in to Acme', text_body: expect.stringContaining('Device: Firefox 128 on Linux'), user_id: user.id }]);
    // Shown in the user's own time zone (the sign-in's browser said New York): 10:02 UTC is 05:02 there.
    expect(sent[0]!.text_body).toContain('Time: Monday, 5 January 2026 at 05:02 (America/New_York)');
    expect(sent[0]!.text_body).toContain('Network: 198.51.100.2 (approximate)');
    expect(await queueNewSignInNotices(suite.db, suite.deps)).toEqual({ checked: 0, notified: 0 });
  });

  it('count a device as known for NOTIFY_NEW_SIGN_IN_DAYS, and IPv6 clients by their /64', async () => {
    const email = 'bob@example.com';
    await addUser(suite.db, email, 'user', suite.deps.now());
    await signIn(email, { ip: '2001:db8:1:2::10', userAgent: MAC });
    suite.deps.clock.advance(3600);
    // Another address in the same /64: the same network.
    await signIn(email, { ip: '2001:db8:1:2::99', userAgent: MAC });
    expect(await queueNewSignInNotices(suite.db, suite.deps)).toEqual({ checked: 2, notified: 0 });
    // 91 days later the device is no longer "recent" (its session ended long ago, unused).
    suite.deps.clock.advance(91 * 86_400);
    await signIn(email, { ip: '2001:db8:1:2::10', userAgent: MAC });
    expect(await queueNewSignInNotices(suite.db, suite.deps)).toEqual({ checked: 1, notified: 1 });
    expect((await noticesTo(email))[0]?.text_body).toContain('Network: 2001:db8:1:2::/64 (approximate)');
  });

  it('are not sent for a sign-in looked at more than an hour late (the workers were down, or notices were off)', async () => {
    const email = 'cy@example.com';
    await addUser(suite.db, email, 'user', suite.deps.now());
    await signIn(email, { ip: '192.0.2.1', userAgent: MAC });
    suite.deps.clock.advance(60);
    await signIn(email, { ip: '192.0.2.200', userAgent: LINUX });
    suite.deps.clock.advance(2 * 3600);
    expect(await queueNewSignInNotices(suite.db, suite.deps)).toEqual({ checked: 2, notified: 0 });
    expect(await noticesTo(email)).toEqual([]);
  });
});
