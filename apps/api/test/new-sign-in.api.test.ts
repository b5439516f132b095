import { addUser } from '@app/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMessage } from './support/fake-postmark';
import { waitUntil } from './support/instance';
import { CHROME_ON_MAC, FIREFOX_ON_WINDOWS } from './support/sign-in-as';
import { startTestApp, type TestApp } from './support/test-app';

/*
 * New-sign-in notices (ASVS 6.3.5, 6.3.7): after a sign-in from a device and network the account
 * has not used lately, an email through the outbox, decided off the sign-in's request path.
 */
let app: TestApp;
let n = 0;

// People sign in several times a minute here; the limits have tests of their own.
const env = { AUTH_RESEND_COOLDOWN_SECONDS: '0', AUTH_LIMIT_CODES_PER_EMAIL: '1000/1h', AUTH_LIMIT_CODES_PER_MAILBOX: '1000/1h', TRUST_PROXY: 'loopback' };

beforeAll(async () => {
  app = await startTestApp({ env });
});
afterAll(() => app.close());

/** Signs `email` in from a device (User-Agent) and network (X-Forwarded-For), and waits until the sign-in was looked at for a notice. */
async function signInFrom(target: TestApp, email: string, device: { userAgent: string; ip: string }): Promise<void> {
  const headers = { 'user-agent': device.userAgent, 'x-forwarded-for': device.ip };
  const browser = target.browser();
  const before = target.postmark.messages.length;
  await browser.mutate('auth.requestCode', { email }, headers);
  const code = await target.postmark.waitForCode(email, before);
  const reply = await browser.mutate('auth.verifyCode', { email, code, timezone: 'Europe/Berlin' }, headers);
  if (reply.status !== 200) throw new Error(`sign-in failed: ${JSON.stringify(reply.body)}`);
  await waitUntil(async () => (await uncheckedSignIns(target, email)) === 0, 10_000, 'the sign-in to be looked at');
  await target.server.worker.idle();
}

async function uncheckedSignIns(target: TestApp, email: string): Promise<number> {
  const rows = await target.db.selectFrom('audit_events').select('id').where('type', '=', 'sign_in_succeeded').where('email', '=', email).where('new_sign_in_checked_at', 'is', null).execute();
  return rows.length;
}

async function notices(target: TestApp, email: string): Promise<FakeMessage[]> {
  await target.server.worker.idle();
  return target.postmark.messages.filter((m) => m.To === email && m.Subject === 'New sign-in to Acme');
}

async function newUser(target = app): Promise<string> {
  const email = `notice${++n}@example.com`;
  await addUser(target.db, email, 'user', new Date());
  return email;
}

const mac = { userAgent: CHROME_ON_MAC, ip: '203.0.113.10' };

describe('new-sign-in notices', () => {
  it('are never sent for the first sign-in of an account', async () => {
    const email = await newUser();
    await signInFrom(app, email, mac);
    expect(await notices(app, email)).toEqual([]);
  });

  it('are not sent for a sign-in from a device and network used recently', async () => {
    const email = await newUser();
    await signInFrom(app, email, mac);
    await signInFrom(app, email, mac);
    // The same browser after it updated itself (a new major version every four weeks) is the same device.
    await signInFrom(app, email, { ...mac, userAgent: CHROME_ON_MAC.replace('Chrome/120.0.0.0', 'Chrome/120.0.6099.71') });
    await signInFrom(app, email, { ...mac, userAgent: CHROME_ON_MAC.replace('Chrome/120.0.0.0', 'Chrome/121.0.6167.85') });
    expect(await notices(app, email)).toEqual([]);
  });

  it('are sent once for a sign-in from a new device, saying what, where from and when, in the user’s time zone', async () => {
    const email = await newUser();
    await signInFrom(app, email, mac);
    await signInFrom(app, email, { userAgent: FIREFOX_ON_WINDOWS, ip: '198.51.100.7' });
    const sent = await notices(app, email);
    expect(sent).toHaveLength(1);
    const text = sent[0]!.TextBody!;
    expect(text).toContain('Device: Firefox 121 on Windows');
    expect(text).toContain('Network: 198.51.100.7 (approximate)');
    expect(text).toMatch(/Time: \w+day, \d{1,2} \w+ \d{4} at \d{2}:\d{2} \(Europe\/Berlin\)/);
    expect(text).toContain('Sign out everywhere:\nhttp://app.test/account');
    expect(sent[0]!.HtmlBody).toContain('href="http://app.test/account"');
    expect(sent[0]!.Tag).toBe('new_sign_in');
    // It went through the outbox, and the audit log says it was sent.
    const rows = await app.db.selectFrom('email_outbox').select(['kind', 'status']).where('recipient', '=', email).where('kind', '=', 'new_sign_in').execute();
    expect(rows).toEqual([{ kind: 'new_sign_in', status: 'sent' }]);

    // The same device again: it is known now.
    await signInFrom(app, email, { userAgent: FIREFOX_ON_WINDOWS, ip: '198.51.100.7' });
    expect(await notices(app, email)).toHaveLength(1);
  });

  it('are sent for a known device on a new network, and for a new device on a known network', async () => {
    const email = await newUser();
    await signInFrom(app, email, mac);
    await signInFrom(app, email, { ...mac, ip: '192.0.2.55' });
    expect(await notices(app, email)).toHaveLength(1);
    await signInFrom(app, email, { ...mac, userAgent: FIREFOX_ON_WINDOWS });
    expect(await notices(app, email)).toHaveLength(2);
  });

  it('are not sent to a suppressed address', async () => {
    const email = await newUser();
    await signInFrom(app, email, mac);
    const signedIn = app.browser();
    // Suppressed after the code arrived, before the new device verifies it.
    const headers = { 'user-agent': FIREFOX_ON_WINDOWS, 'x-forwarded-for': '198.51.100.99' };
    const before = app.postmark.messages.length;
    await signedIn.mutate('auth.requestCode', { email }, headers);
    const code = await app.postmark.waitForCode(email, before);
    await app.postmark.webhooks.subscriptionChange({ To: email }, true);
    expect((await signedIn.mutate('auth.verifyCode', { email, code, timezone: 'UTC' }, headers)).status).toBe(200);
    await waitUntil(async () => (await uncheckedSignIns(app, email)) === 0, 10_000, 'the sign-in to be looked at');
    // Not queued at all (the delivery pass would drop it anyway, so only the outbox can tell).
    const queued = await app.db.selectFrom('email_outbox').select('id').where('recipient', '=', email).where('kind', '=', 'new_sign_in').execute();
    expect(queued).toEqual([]);
    expect(await notices(app, email)).toEqual([]);
  });

  it('are not sent with NOTIFY_NEW_SIGN_IN=false', async () => {
    const quiet = await startTestApp({ env: { ...env, NOTIFY_NEW_SIGN_IN: 'false' } });
    try {
      const email = await newUser(quiet);
      const headers = (device: typeof mac) => ({ 'user-agent': device.userAgent, 'x-forwarded-for': device.ip });
      for (const device of [mac, { userAgent: FIREFOX_ON_WINDOWS, ip: '198.51.100.8' }]) {
        const browser = quiet.browser();
        const before = quiet.postmark.messages.length;
        await browser.mutate('auth.requestCode', { email }, headers(device));
        const code = await quiet.postmark.waitForCode(email, before);
        expect((await browser.mutate('auth.verifyCode', { email, code, timezone: 'UTC' }, headers(device))).status).toBe(200);
      }
      // A pass runs after each kick and every 50 ms: two passes after the sign-ins, nothing queued.
      await quiet.server.worker.idle();
      quiet.server.worker.kick();
      await quiet.server.worker.idle();
      expect(await notices(quiet, email)).toEqual([]);
      expect(await uncheckedSignIns(quiet, email)).toBe(2);
    } finally {
      await quiet.close();
    }
  });
});
