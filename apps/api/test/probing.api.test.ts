import { addUser } from '@app/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/test-app';
import { reasonOf, type Reply, type TestBrowser } from './support/test-browser';
import { replyShape as shape } from './support/reply-shape';
import { indistinguishable, sampleAlternately, summarize } from './support/timing';

/*
 * With AUTH_REVEAL_UNREGISTERED=false, asking for a code tells nothing about the email: unknown,
 * deactivated, suppressed (its email bounced) and registered addresses get the same answer, at
 * the same speed.
 */
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ env: { AUTH_REVEAL_UNREGISTERED: 'false' } });
});
afterAll(() => app.close());

type Kind = 'registered' | 'deactivated' | 'suppressed' | 'unknown';
let n = 0;

/** An email of the given kind; every kind's addresses have the same length, so bodies do too. */
async function emailOf(kind: Kind): Promise<string> {
  const email = `${kind.slice(0, 5)}-${String(++n).padStart(4, '0')}@example.com`;
  if (kind !== 'unknown') await addUser(app.db, email, 'user', new Date());
  if (kind === 'deactivated') await app.db.updateTable('users').set({ status: 'deactivated' }).where('email', '=', email).execute();
  if (kind === 'suppressed') await app.postmark.webhooks.subscriptionChange({ To: email }, true);
  return email;
}

describe('unrevealed registration', () => {
  it('answers a code request for a registered, deactivated or unknown email identically', async () => {
    const shapes = [];
    for (const kind of ['registered', 'deactivated', 'suppressed', 'unknown'] as const) {
      const email = await emailOf(kind);
      const browser = app.browser();
      const first = await browser.mutate('auth.requestCode', { email });
      const again = await browser.mutate('auth.requestCode', { email });
      const wrong = await browser.mutate('auth.verifyCode', { email, code: '000000', timezone: 'UTC' });
      shapes.push({ first: shape(first, email), again: shape(again, email), wrong: shape(wrong, email) });
      expect(first.status).toBe(200);
      expect(reasonOf(again)).toBe('rate_limited');
      expect(reasonOf(wrong)).toBe('invalid_or_expired_code');
    }
    expect(shapes[1]).toEqual(shapes[0]);
    expect(shapes[2]).toEqual(shapes[0]);
    expect(shapes[3]).toEqual(shapes[0]);
  });

  it('sends email only to the registered address', async () => {
    const registered = await emailOf('registered');
    const unknown = await emailOf('unknown');
    const deactivated = await emailOf('deactivated');
    const suppressed = await emailOf('suppressed');
    for (const email of [unknown, deactivated, suppressed, registered]) await app.browser().trpc.auth.requestCode.mutate({ email });
    const mail = await app.postmark.waitForMessage((m) => m.To === registered);
    // The one email says not to hand the code to anyone (a phishing site can only ask for it).
    expect(mail.TextBody).toContain("Don't share this code with anyone: Acme will never ask you for it.");
    await app.server.worker.idle();
    expect(app.postmark.messages.filter((m) => [unknown, deactivated, suppressed].includes(m.To))).toEqual([]);
    // Nothing was even queued for the suppressed address; its audit row says why.
    expect(await app.db.selectFrom('email_outbox').select('id').where('recipient', '=', suppressed).execute()).toEqual([]);
    const requested = await app.db.selectFrom('audit_events').select('data').where('type', '=', 'code_requested').where('email', '=', suppressed).executeTakeFirstOrThrow();
    expect(requested.data).toEqual({ kind: 'decoy', resend: false, suppressed: true });
  });

  it('voids a decoy attempt after five wrong codes, like a real one', async () => {
    const replies: Record<Kind, Array<string | undefined>> = { registered: [], deactivated: [], suppressed: [], unknown: [] };
    for (const kind of ['registered', 'deactivated', 'suppressed', 'unknown'] as const) {
      const email = await emailOf(kind);
      const browser = app.browser();
      await browser.trpc.auth.requestCode.mutate({ email });
      for (let i = 0; i < 6; i++) replies[kind].push(reasonOf(await wrongCode(browser, email)));
    }
    expect(replies.deactivated).toEqual(replies.registered);
    expect(replies.unknown).toEqual(replies.registered);
    expect(replies.suppressed).toEqual(replies.registered);
  });

  it('takes as long for an unknown email as for a registered one, even while the email provider hangs', async () => {
    // A provider that never answers: if sending were on the request path, registered emails would stall.
    await expectTimedAlike('unknown');
  });

  it('takes as long for a suppressed email as for a registered one', async () => {
    await expectTimedAlike('suppressed');
  });
});

/**
 * Times code requests for registered emails and for emails of `other`, alternately, while the
 * provider hangs (the worker then sits on one send and takes nothing from the samples), and expects
 * the two to be indistinguishable.
 */
async function expectTimedAlike(other: Exclude<Kind, 'registered'>): Promise<void> {
  const emails = { registered: [], [other]: [] } as unknown as Record<'registered' | typeof other, string[]>;
  for (let i = 0; i < SAMPLES; i++) {
    emails.registered.push(await emailOf('registered'));
    emails[other].push(await emailOf(other));
  }
  app.postmark.setMode('hang');
  try {
    const samples = await sampleAlternately(['registered', other], SAMPLES, async (kind, round) => {
      const email = round < 0 ? await emailOf('unknown') : emails[kind][round]!;
      const reply = await app.browser().mutate('auth.requestCode', { email });
      if (reply.status !== 200) throw new Error(`requestCode for ${email}: ${reply.status} ${reasonOf(reply)}`);
    });
    const registered = summarize(samples.registered);
    const compared = summarize(samples[other]);
    expect({ registered, [other]: compared, indistinguishable: indistinguishable(registered, compared) }).toMatchObject({ indistinguishable: true });
  } finally {
    app.postmark.setMode('ok');
  }
}

const SAMPLES = 50;

function wrongCode(browser: TestBrowser, email: string): Promise<Reply> {
  return browser.mutate('auth.verifyCode', { email, code: '000000', timezone: 'UTC' });
}
