import { addUser } from '@app/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeMessage } from './support/fake-postmark';
import { malformedWebhookPayloads } from './support/malformed-inputs';
import { bouncePayload, postWebhook } from './support/postmark-webhooks';
import { signInAs } from './support/sign-in-as';
import { startTestApp, type TestApp } from './support/test-app';
import { reasonOf } from './support/test-browser';

/*
 * Postmark's webhooks, sent by the fake Postmark in Postmark's own payload shapes to the real
 * server, with the credentials Postmark takes from the webhook URL.
 */
let app: TestApp;
let n = 0;

beforeAll(async () => {
  // Addresses are asked for codes again and again here; the limits have tests of their own.
  app = await startTestApp({ env: { METRICS_TOKEN: 'metrics-token-0123456789', AUTH_RESEND_COOLDOWN_SECONDS: '0', AUTH_LIMIT_CODES_PER_EMAIL: '1000/1h', AUTH_LIMIT_CODES_PER_MAILBOX: '1000/1h' } });
});
afterAll(() => app.close());

/** A registered user and the code email they were just sent (accepted by the fake Postmark). */
async function userWithEmail(): Promise<{ email: string; id: string; message: FakeMessage }> {
  const email = `webhook${++n}@example.com`;
  const { id } = await addUser(app.db, email, 'user', new Date()).then((r) => r.user);
  const before = app.postmark.messages.length;
  await app.browser().trpc.auth.requestCode.mutate({ email });
  await app.postmark.waitForCode(email, before);
  // Postmark's webhooks come after its answer, which the outbox has recorded by then.
  await app.server.worker.idle();
  return { email, id, message: app.postmark.messages.findLast((m) => m.To === email)! };
}

function auditRows(email: string, type: string) {
  return app.db.selectFrom('audit_events').select(['type', 'subject_user_id', 'data']).where('email', '=', email).where('type', '=', type).orderBy('id').execute();
}

function outboxOf(message: FakeMessage) {
  return app.db
    .selectFrom('email_outbox')
    .select(['id', 'provider_message_id', 'delivery_status', 'delivery_status_at', 'user_id'])
    .where('provider_message_id', '=', message.MessageID)
    .executeTakeFirstOrThrow();
}

function deliverability(email: string) {
  return app.db.selectFrom('email_deliverability').selectAll().where('email', '=', email).executeTakeFirst();
}

async function requestCodeReply(email: string) {
  return app.browser().mutate('auth.requestCode', { email });
}

async function eventCount(): Promise<number> {
  const row = await app.db.selectFrom('email_events').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('POST /webhooks/postmark: credentials', () => {
  const url = () => new URL(app.postmark.webhooks.url!);

  it('refuses a call without credentials, or with a wrong user or password, with 401 and WWW-Authenticate: Basic', async () => {
    const { message } = await userWithEmail();
    const payload = { RecordType: 'Delivery', MessageID: message.MessageID, Recipient: message.To, DeliveredAt: new Date().toISOString() };
    const before = await eventCount();
    const bare = url();
    bare.username = '';
    bare.password = '';
    const wrongPassword = url();
    wrongPassword.password = 'not-the-password-0123456789';
    const wrongUser = url();
    wrongUser.username = 'someone';
    for (const target of [bare, wrongPassword, wrongUser]) {
      const reply = await postWebhook(target.toString(), payload);
      expect(reply.status).toBe(401);
      expect(reply.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      expect(reply.body.error.data.reason).toBe('unauthenticated');
    }
    for (const authorization of ['Bearer webhook-password-0123456789', 'Basic', 'Basic !!!', `Basic ${Buffer.from('postmark').toString('base64')}`]) {
      const reply = await postWebhook(bare.toString(), payload, { authorization });
      expect(reply.status, authorization).toBe(401);
    }
    expect(await eventCount()).toBe(before);
    expect((await outboxOf(message)).delivery_status).toBeNull();
  });

  it('is a 404 like any unknown path when the credentials are not configured', async () => {
    const bare = await startTestApp({ env: { POSTMARK_WEBHOOK_USER: '', POSTMARK_WEBHOOK_PASSWORD: '' } });
    try {
      const reply = await postWebhook(`${bare.server.url}/webhooks/postmark`, { RecordType: 'Delivery' });
      expect(reply.status).toBe(404);
      expect(reply.body.error.data.reason).toBe('not_found');
    } finally {
      await bare.close();
    }
  });
});

describe('POST /webhooks/postmark: events', () => {
  it('records a Delivery against the email, its address and its user, once however often it is replayed', async () => {
    const { email, id, message } = await userWithEmail();
    const first = await app.postmark.webhooks.delivery(message);
    expect(first).toMatchObject({ status: 200, body: { ok: true, outcome: 'recorded' } });
    const outbox = await outboxOf(message);
    expect(outbox).toMatchObject({ delivery_status: 'delivered', user_id: id });
    expect(await auditRows(email, 'email_delivered')).toEqual([
      { type: 'email_delivered', subject_user_id: id, data: expect.objectContaining({ messageId: message.MessageID, outboxId: outbox.id, kind: 'sign_in_code', suppressed: false }) },
    ]);
    expect((await deliverability(email))?.delivered_at).toBeInstanceOf(Date);

    // Postmark retries a webhook it got no 200 for; the same event again changes nothing.
    const replays = await Promise.all([app.postmark.webhooks.delivery(message), app.postmark.webhooks.delivery(message)]);
    expect(replays.map((r) => [r.status, r.body.outcome])).toEqual([[200, 'replayed'], [200, 'replayed']]);
    expect(await auditRows(email, 'email_delivered')).toHaveLength(1);
  });

  it('applies one of two copies of an event arriving at once', async () => {
    const { email, message } = await userWithEmail();
    const payload = bouncePayload(message, 'SoftBounce');
    const replies = await Promise.all([app.postmark.webhooks.send(payload), app.postmark.webhooks.send(payload), app.postmark.webhooks.send(payload)]);
    expect(replies.map((r) => r.body.outcome).sort()).toEqual(['recorded', 'replayed', 'replayed']);
    expect(await auditRows(email, 'email_bounced')).toHaveLength(1);
    // Another bounce of the same email is another event (Postmark gives each its own ID).
    expect((await app.postmark.webhooks.bounce(message, 'SoftBounce')).body.outcome).toBe('recorded');
    expect(await auditRows(email, 'email_bounced')).toHaveLength(2);
  });

  it('takes 64-bit bounce IDs as Postmark sends them (its sample is 4323372036854775807), keeping apart two that read alike', async () => {
    const [a, b] = [await userWithEmail(), await userWithEmail()];
    // Past 2^53 both IDs read as the same JSON number: sent as text, as Postmark writes them.
    const withId = (payload: object, id: string) => JSON.stringify(payload).replace(/"ID":\d+/, `"ID":${id}`);
    const first = withId(bouncePayload(a.message, 'HardBounce'), '4323372036854775807');
    const second = withId(bouncePayload(b.message, 'HardBounce'), '4323372036854775806');
    expect((await app.postmark.webhooks.send(first)).body.outcome).toBe('recorded');
    expect((await app.postmark.webhooks.send(second)).body.outcome).toBe('recorded');
    expect((await app.postmark.webhooks.send(first)).body.outcome).toBe('replayed');
    for (const { email } of [a, b]) expect(await deliverability(email)).toMatchObject({ suppression_reason: 'HardBounce' });
  });

  it('suppresses the address on a hard bounce: the outbox row says bounced, and no more code is sent to it', async () => {
    const { email, id, message } = await userWithEmail();
    await app.postmark.webhooks.delivery(message);
    const reply = await app.postmark.webhooks.bounce(message, 'HardBounce');
    expect(reply).toMatchObject({ status: 200, body: { outcome: 'recorded' } });
    expect(await outboxOf(message)).toMatchObject({ delivery_status: 'bounced' });
    expect(await deliverability(email)).toMatchObject({ bounce_type: 'HardBounce', suppression_reason: 'HardBounce', suppressed_at: expect.any(Date), bouncing: true });
    expect(await auditRows(email, 'email_bounced')).toEqual([
      { type: 'email_bounced', subject_user_id: id, data: expect.objectContaining({ bounceType: 'HardBounce', suppressed: true, messageId: message.MessageID }) },
    ]);

    const sent = app.postmark.messages.length;
    const refused = await requestCodeReply(email);
    expect(refused.status).toBe(403);
    expect(reasonOf(refused)).toBe('email_undeliverable');
    await app.server.worker.idle();
    expect(app.postmark.messages.length).toBe(sent);
    const queued = await app.db.selectFrom('email_outbox').select('id').where('recipient', '=', email).execute();
    expect(queued).toHaveLength(1);
  });

  for (const type of ['BadEmailAddress', 'ManuallyDeactivated', 'SpamNotification', 'Blocked']) {
    it(`suppresses on a ${type} bounce`, async () => {
      const { email, message } = await userWithEmail();
      await app.postmark.webhooks.bounce(message, type);
      expect((await deliverability(email))?.suppressed_at).toBeInstanceOf(Date);
      expect(reasonOf(await requestCodeReply(email))).toBe('email_undeliverable');
    });
  }

  for (const type of ['SoftBounce', 'Transient', 'DnsError']) {
    it(`records a ${type} bounce without suppressing the address`, async () => {
      const { email, message } = await userWithEmail();
      await app.postmark.webhooks.bounce(message, type);
      expect(await deliverability(email)).toMatchObject({ bounce_type: type, suppressed_at: null, bouncing: true });
      expect(await auditRows(email, 'email_bounced')).toEqual([expect.objectContaining({ data: expect.objectContaining({ bounceType: type, suppressed: false }) })]);
      const reply = await requestCodeReply(email);
      expect(reply.status).toBe(200);
    });
  }

  it('suppresses the address on a spam complaint', async () => {
    const { email, id, message } = await userWithEmail();
    await app.postmark.webhooks.delivery(message);
    expect(await app.postmark.webhooks.spamComplaint(message)).toMatchObject({ status: 200, body: { outcome: 'recorded' } });
    expect(await outboxOf(message)).toMatchObject({ delivery_status: 'complained' });
    expect(await deliverability(email)).toMatchObject({ complained_at: expect.any(Date), suppression_reason: 'SpamComplaint' });
    expect(await auditRows(email, 'email_complained')).toEqual([{ type: 'email_complained', subject_user_id: id, data: expect.objectContaining({ suppressed: true }) }]);
    expect(reasonOf(await requestCodeReply(email))).toBe('email_undeliverable');
  });

  it('suppresses on a SubscriptionChange with SuppressSending true and lifts on one with false', async () => {
    const { email, message } = await userWithEmail();
    const suppressed = await app.postmark.webhooks.subscriptionChange(message, true, { reason: 'ManualSuppression', at: new Date(Date.now() - 60_000) });
    expect(suppressed).toMatchObject({ status: 200, body: { outcome: 'recorded' } });
    expect(await deliverability(email)).toMatchObject({ suppression_reason: 'ManualSuppression', suppressed_at: expect.any(Date) });
    expect(reasonOf(await requestCodeReply(email))).toBe('email_undeliverable');

    const lifted = await app.postmark.webhooks.subscriptionChange(message, false, { origin: 'Customer' });
    expect(lifted).toMatchObject({ status: 200, body: { outcome: 'recorded' } });
    expect(await deliverability(email)).toMatchObject({ suppressed_at: null, suppression_reason: null, lifted_at: expect.any(Date) });
    const changes = await auditRows(email, 'email_subscription_changed');
    expect(changes.map((r) => r.data)).toEqual([
      expect.objectContaining({ suppressSending: true, reason: 'ManualSuppression', suppressed: true }),
      expect.objectContaining({ suppressSending: false, origin: 'Customer', suppressed: false }),
    ]);
    const before = app.postmark.messages.length;
    expect((await requestCodeReply(email)).status).toBe(200);
    await app.postmark.waitForCode(email, before);
  });

  it('ties an event about an email it does not know to the address and its user', async () => {
    const email = `unknown-message${++n}@example.com`;
    const { user } = await addUser(app.db, email, 'user', new Date());
    const reply = await app.postmark.webhooks.bounce({ MessageID: '11111111-2222-4333-8444-555555555555', To: email.toUpperCase() }, 'HardBounce');
    expect(reply.body.outcome).toBe('recorded');
    expect(await auditRows(email, 'email_bounced')).toEqual([expect.objectContaining({ subject_user_id: user.id, data: expect.objectContaining({ outboxId: null }) })]);
    expect(reasonOf(await requestCodeReply(email))).toBe('email_undeliverable');
  });

  it('answers 200 to a record type it does not handle, and writes nothing', async () => {
    const before = await eventCount();
    for (const RecordType of ['Open', 'Click', 'SomethingNew']) {
      const reply = await app.postmark.webhooks.send({ RecordType, MessageID: 'x', Recipient: 'a@example.com' });
      expect(reply).toMatchObject({ status: 200, body: { ok: true, outcome: 'ignored' } });
    }
    expect(await eventCount()).toBe(before);
  });

  it('refuses what is not a Postmark webhook payload with 400 and a reason, never a 5xx, and writes nothing', async () => {
    const before = await eventCount();
    const problems: string[] = [];
    const cases = malformedWebhookPayloads();
    expect(cases.length).toBeGreaterThan(40);
    for (const { name, body, contentType } of cases) {
      const reply = await app.postmark.webhooks.send(body, contentType ? { 'content-type': contentType } : {});
      const expected = name === 'a body over the size limit' ? 413 : 400;
      const reason = reply.body?.error?.data?.reason;
      const message: string = reply.body?.error?.message ?? '';
      if (reply.status !== expected || reason !== 'bad_request' || !message.startsWith('Not a Postmark webhook payload: ')) {
        problems.push(`${name}: ${reply.status} ${JSON.stringify(reply.body).slice(0, 200)}`);
      }
    }
    expect(problems).toEqual([]);
    expect(await eventCount()).toBe(before);
    expect(app.logs.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('says which field is wrong', async () => {
    const reply = await app.postmark.webhooks.send({ RecordType: 'Bounce', ID: 'seven', Type: 'HardBounce', Email: 'a@example.com', BouncedAt: '2026-12-03T10:00:00Z' });
    expect(reply.body.error.message).toBe('Not a Postmark webhook payload: Bounce.ID: Invalid input: expected number, received string.');
  });

  it('logs each call without its body, and counts it by record type and outcome', async () => {
    const { message } = await userWithEmail();
    await app.postmark.webhooks.delivery(message);
    const line = app.logs.findLast((l) => l.message === 'postmark webhook');
    expect(line?.fields).toMatchObject({ recordType: 'Delivery', outcome: 'recorded', messageId: message.MessageID, reqId: expect.any(String) });
    expect(JSON.stringify(line)).not.toContain(message.To);
    const metrics = await app.browser().raw('/metrics', { headers: { authorization: 'Bearer metrics-token-0123456789' } });
    expect(metrics.body).toMatch(/postmark_webhooks_total\{record_type="Delivery",outcome="recorded"\} [1-9]/);
    expect(metrics.body).toMatch(/postmark_webhooks_total\{record_type="other",outcome="malformed"\} [1-9]|postmark_webhooks_total\{record_type="other",outcome="unauthorized"\} [1-9]/);
  });
});

describe('a synchronous refusal of an inactive recipient (Postmark ErrorCode 406)', () => {
  it('suppresses the address too', async () => {
    const email = `inactive${++n}@example.com`;
    await addUser(app.db, email, 'user', new Date());
    app.postmark.markInactive(email);
    await app.browser().trpc.auth.requestCode.mutate({ email });
    await app.server.worker.idle();
    await expect.poll(async () => (await deliverability(email))?.suppression_reason, { timeout: 5_000 }).toBe('InactiveRecipient');
    const failed = await app.db.selectFrom('audit_events').select('data').where('email', '=', email).where('type', '=', 'email_failed').executeTakeFirstOrThrow();
    expect(failed.data).toMatchObject({ suppressed: true });
    expect(reasonOf(await requestCodeReply(email))).toBe('email_undeliverable');
  });
});

describe('signing in as a suppressed address', () => {
  it('is refused with email_undeliverable and the words the sign-in page shows', async () => {
    const { email } = await userWithEmail();
    await app.postmark.webhooks.bounce(app.postmark.messages.findLast((m) => m.To === email)!, 'HardBounce');
    const reply = await requestCodeReply(email);
    expect(reply.body.error.data).toMatchObject({ reason: 'email_undeliverable', httpStatus: 403 });
    // It tells whoever asked that the address is registered, so it is counted like not_registered.
    const counted = await app.db.selectFrom('audit_events').select('data').where('type', '=', 'requests_refused').execute();
    expect(counted.map((r) => r.data)).toContainEqual(expect.objectContaining({ reason: 'email_undeliverable', procedure: 'auth.requestCode' }));
  });

  it('an email queued before the suppression is not sent', async () => {
    const email = `queued${++n}@example.com`;
    await addUser(app.db, email, 'user', new Date());
    app.postmark.setMode('hang');
    const seenBefore = app.postmark.requestCount;
    try {
      await app.browser().trpc.auth.requestCode.mutate({ email });
      // Suppressed while the email waits in the outbox: its first send is held at the provider
      // (waited for, or the send could arrive after the release and meet Postmark's own refusal),
      // answered 503, then retried.
      await expect.poll(() => app.postmark.requestCount, { timeout: 10_000 }).toBeGreaterThan(seenBefore);
      await app.postmark.webhooks.subscriptionChange({ To: email }, true);
    } finally {
      app.postmark.setMode({ status: 503 });
    }
    app.postmark.setMode('ok');
    await expect
      .poll(async () => (await app.db.selectFrom('email_outbox').select(['status', 'last_error']).where('recipient', '=', email).executeTakeFirstOrThrow()), { timeout: 10_000 })
      .toMatchObject({ status: 'failed', last_error: 'recipient suppressed' });
    expect(app.postmark.messages.filter((m) => m.To === email)).toEqual([]);
  });
});

// Signed in as an admin: the list shows the delivery state; lifting asks the fake Postmark.
describe('admin: delivery state and lifting a suppression', () => {
  it('shows each user’s delivery state, filters those whose email bounces, and lifts a suppression through Postmark', async () => {
    const admin = await signInAs(app, `admin-webhooks${++n}@example.com`, { role: 'admin' });
    const bounced = await userWithEmail();
    const fine = await userWithEmail();
    await app.postmark.webhooks.delivery(fine.message);
    await app.postmark.webhooks.bounce(bounced.message, 'HardBounce');

    const all = await admin.browser.trpc.admin.users.list.query({ limit: 100 });
    const rowOf = (id: string) => all.items.find((u) => u.id === id)!;
    expect(rowOf(fine.id).delivery).toMatchObject({ lastDeliveredAt: expect.any(String), suppressedAt: null, lastBouncedAt: null });
    expect(rowOf(bounced.id).delivery).toMatchObject({ bounceType: 'HardBounce', lastBouncedAt: expect.any(String), suppressedAt: expect.any(String), suppressionReason: 'HardBounce' });
    const bouncing = await admin.browser.trpc.admin.users.list.query({ delivery: 'bouncing', limit: 100 });
    expect(bouncing.items.map((u) => u.id)).toContain(bounced.id);
    expect(bouncing.items.map((u) => u.id)).not.toContain(fine.id);

    const { user } = await admin.browser.trpc.admin.users.clearSuppression.mutate({ userId: bounced.id });
    expect(user.delivery).toMatchObject({ suppressedAt: null, bounceType: 'HardBounce' });
    expect(app.postmark.suppressionDeletions.at(-1)).toEqual({ stream: 'outbound', addresses: [bounced.email] });
    expect(await auditRows(bounced.email, 'email_suppression_lifted')).toEqual([
      { type: 'email_suppression_lifted', subject_user_id: bounced.id, data: { reason: 'HardBounce', bounceType: 'HardBounce', providerAsked: true } },
    ]);
    const lifted = await app.db.selectFrom('audit_events').select('actor_user_id').where('type', '=', 'email_suppression_lifted').where('email', '=', bounced.email).executeTakeFirstOrThrow();
    expect(lifted.actor_user_id).toBe(admin.id);
    // Postmark sends to the address again, and so does the product.
    const before = app.postmark.messages.length;
    expect((await requestCodeReply(bounced.email)).status).toBe(200);
    await app.postmark.waitForCode(bounced.email, before);
    // Lifting again changes nothing and asks Postmark nothing.
    const deletions = app.postmark.suppressionDeletions.length;
    await admin.browser.trpc.admin.users.clearSuppression.mutate({ userId: bounced.id });
    expect(app.postmark.suppressionDeletions.length).toBe(deletions);
    expect(await auditRows(bounced.email, 'email_suppression_lifted')).toHaveLength(1);
  });

  it('keeps the suppression when Postmark will not reactivate the address (a spam complaint)', async () => {
    const admin = await signInAs(app, `admin-spam${++n}@example.com`, { role: 'admin' });
    const { id, email, message } = await userWithEmail();
    await app.postmark.webhooks.spamComplaint(message);
    const reply = await admin.browser.mutate('admin.users.clearSuppression', { userId: id });
    expect(reply.status).toBe(502);
    expect(reasonOf(reply)).toBe('reactivation_failed');
    expect((await deliverability(email))?.suppressed_at).toBeInstanceOf(Date);
    expect(await auditRows(email, 'email_suppression_lifted')).toEqual([]);
  });

  it('is for admins only', async () => {
    const user = await signInAs(app, `plain${++n}@example.com`);
    const reply = await user.browser.mutate('admin.users.clearSuppression', { userId: user.id });
    expect(reasonOf(reply)).toBe('forbidden');
  });
});
