import { setTimeout as sleep } from 'node:timers/promises';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  addUser,
  defaultDeliveryOptions,
  deliverDueEmails,
  enqueueEmail,
  type Mailer,
  type OutgoingEmail,
  requestCode,
  retryDelaySeconds,
  type SendResult,
} from '../src/index';
import { latestCode, type TestDeps, useDatabaseSuite } from './helpers';

let deps: TestDeps;

const suite = useDatabaseSuite();
beforeEach(async () => {
  deps = suite.deps;
});

/** A mailer whose answers the test scripts; once the script runs out it sends. */
function scriptedMailer(...script: Array<SendResult['status']>) {
  const calls: OutgoingEmail[] = [];
  const mailer: Mailer & { calls: OutgoingEmail[]; script: Array<SendResult['status']> } = {
    name: 'scripted',
    calls,
    script,
    async send(email) {
      calls.push(email);
      // Yield so concurrent passes really interleave with the database work.
      await sleep(5);
      const status = mailer.script.shift() ?? 'sent';
      if (status === 'sent') return { status, messageId: `msg-${calls.length}` };
      return { status, error: `${status} trouble #${calls.length}` };
    },
  };
  return mailer;
}

/** A mailer whose one send stays in flight until the test finishes it (or forever: a dead worker). */
function heldMailer() {
  let claimed!: () => void;
  let finish!: (result: SendResult) => void;
  const sending = new Promise<void>((resolve) => (claimed = resolve));
  const mailer: Mailer = {
    name: 'held',
    send: () => {
      claimed();
      return new Promise<SendResult>((resolve) => (finish = resolve));
    },
  };
  return { mailer, sending, finish: (result: SendResult) => finish(result) };
}

async function queue(recipient = 'ada@example.com', lifetimeSeconds = 900): Promise<string> {
  const now = deps.now();
  return enqueueEmail(suite.db, {
    kind: 'sign_in_code',
    recipient,
    userId: null,
    content: { subject: 'Hello', text: 'text body', html: '<p>html body</p>' },
    notAfter: new Date(now.getTime() + lifetimeSeconds * 1000),
    now,
  });
}

function outboxRow(id: string) {
  return suite.db.selectFrom('email_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

function auditRows(type: string) {
  return suite.db.selectFrom('audit_events').select(['type', 'subject_user_id', 'email', 'data']).where('type', '=', type).orderBy('id').execute();
}

const pass = (mailer: Mailer) => deliverDueEmails(suite.db, deps, mailer);

describe('delivering queued emails', () => {
  it('sends a queued sign-in code once, scrubs its bodies and records the send', async () => {
    const { user } = await addUser(suite.db, 'ada@example.com', 'user', new Date());
    const requested = await requestCode(suite.db, deps, { email: 'ada@example.com', attemptToken: undefined, meta: { ip: null, userAgent: null } });
    if (!requested.ok) throw new Error(requested.reason);
    const code = await latestCode(suite.db, 'ada@example.com');
    const mailer = scriptedMailer();

    expect(await pass(mailer)).toEqual({ sent: 1, retrying: 0, failed: 0, expired: 0, sends: [{ kind: 'sign_in_code', outcome: 'sent' }] });
    expect(mailer.calls).toHaveLength(1);
    expect(mailer.calls[0]).toMatchObject({ to: 'ada@example.com', subject: 'Your sign-in code for Acme', tag: 'sign_in_code' });
    expect(mailer.calls[0]!.text).toContain(code);
    // Grouped for reading by CSS, so one string once the tags are gone.
    expect(mailer.calls[0]!.html.replace(/<[^>]+>/g, '')).toContain(code);

    const row = await outboxRow(requested.outboxId!);
    expect(row).toMatchObject({ status: 'sent', text_body: null, html_body: null, provider_message_id: 'msg-1', attempts: 1, locked_until: null });
    expect(row.sent_at).toEqual(deps.now());
    expect(await auditRows('email_sent')).toEqual([
      { type: 'email_sent', subject_user_id: user.id, email: 'ada@example.com', data: { kind: 'sign_in_code', attempts: 1 } },
    ]);

    deps.clock.advance(60);
    expect(await pass(mailer)).toEqual({ sent: 0, retrying: 0, failed: 0, expired: 0, sends: [] });
    expect(mailer.calls).toHaveLength(1);
    expect(await outboxRow(requested.outboxId!)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('retries a transient failure only after the backoff, and delivers it exactly once', async () => {
    const id = await queue();
    const mailer = scriptedMailer('transient');

    expect(await pass(mailer)).toMatchObject({ retrying: 1, sends: [{ kind: 'sign_in_code', outcome: 'failed' }] });
    const waiting = await outboxRow(id);
    expect(waiting).toMatchObject({ status: 'pending', last_error: 'transient trouble #1', locked_until: null, text_body: 'text body' });
    const waitSeconds = (waiting.next_attempt_at.getTime() - deps.now().getTime()) / 1000;
    // First retry: 2 s base, ±20 % jitter.
    expect(waitSeconds).toBeGreaterThanOrEqual(1.6);
    expect(waitSeconds).toBeLessThanOrEqual(2.4);

    deps.clock.advance(waitSeconds - 0.5);
    expect(await pass(mailer)).toMatchObject({ sent: 0, retrying: 0 });
    expect(mailer.calls).toHaveLength(1);

    deps.clock.advance(0.5);
    expect(await pass(mailer)).toMatchObject({ sent: 1 });
    expect(await outboxRow(id)).toMatchObject({ status: 'sent', attempts: 2, last_error: null, provider_message_id: 'msg-2' });

    deps.clock.advance(600);
    expect(await pass(mailer)).toEqual({ sent: 0, retrying: 0, failed: 0, expired: 0, sends: [] });
    expect(mailer.calls).toHaveLength(2);
    expect(await outboxRow(id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('gives up on a permanent failure at once, keeping the reason', async () => {
    const id = await queue();
    const mailer = scriptedMailer('permanent');

    expect(await pass(mailer)).toMatchObject({ failed: 1, sends: [{ kind: 'sign_in_code', outcome: 'permanently_failed' }] });
    expect(await outboxRow(id)).toMatchObject({ status: 'failed', last_error: 'permanent trouble #1', text_body: null, html_body: null, sent_at: null });
    expect(await auditRows('email_failed')).toEqual([
      {
        type: 'email_failed',
        subject_user_id: null,
        email: 'ada@example.com',
        data: { kind: 'sign_in_code', attempts: 1, status: 'failed', error: 'permanent trouble #1' },
      },
    ]);

    deps.clock.advance(600);
    expect(await pass(mailer)).toEqual({ sent: 0, retrying: 0, failed: 0, expired: 0, sends: [] });
    expect(mailer.calls).toHaveLength(1);
    expect(await outboxRow(id)).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('never sends an email whose deadline passed while the provider was failing', async () => {
    const id = await queue('ada@example.com', 30);
    const mailer = scriptedMailer('transient');
    await pass(mailer);

    deps.clock.advance(30);
    // The provider has recovered, but the code in the email is useless by now.
    expect(await pass(mailer)).toEqual({ sent: 0, retrying: 0, failed: 0, expired: 1, sends: [] });
    expect(mailer.calls).toHaveLength(1);
    expect(await outboxRow(id)).toMatchObject({ status: 'expired', text_body: null, html_body: null, sent_at: null });
  });

  it('expires an email at once when its next retry would come after the deadline', async () => {
    const id = await queue('ada@example.com', 1);
    const mailer = scriptedMailer('transient');

    expect(await pass(mailer)).toMatchObject({ expired: 1, retrying: 0 });
    expect(await outboxRow(id)).toMatchObject({ status: 'expired', last_error: 'transient trouble #1', text_body: null });
    expect(await auditRows('email_failed')).toMatchObject([{ data: { status: 'expired' } }]);
  });
});

describe('batches', () => {
  /** A mailer that sends in batches; it refuses emails to addresses starting with "bounced". */
  function batchingMailer() {
    const batches: OutgoingEmail[][] = [];
    const mailer: Mailer & { batches: OutgoingEmail[][] } = {
      name: 'batching',
      batches,
      send: () => Promise.reject(new Error('a batching mailer is given every pass of several emails as one batch')),
      async sendBatch(emails) {
        batches.push(emails);
        return emails.map((e, i): SendResult => (e.to.startsWith('bounced') ? { status: 'permanent', error: 'inactive recipient' } : { status: 'sent', messageId: `batch-${batches.length}-${i}` }));
      },
    };
    return mailer;
  }

  it('sends the emails due in one pass as one batch and records the outcome of each', async () => {
    const ids = [await queue('ada@example.com'), await queue('bounced@example.com'), await queue('cy@example.com')];
    const mailer = batchingMailer();

    expect(await pass(mailer)).toEqual({
      sent: 2,
      retrying: 0,
      failed: 1,
      expired: 0,
      sends: ['sent', 'permanently_failed', 'sent'].map((outcome) => ({ kind: 'sign_in_code', outcome })),
    });
    expect(mailer.batches.map((b) => b.map((e) => e.to))).toEqual([['ada@example.com', 'bounced@example.com', 'cy@example.com']]);
    expect(await outboxRow(ids[0]!)).toMatchObject({ status: 'sent', provider_message_id: 'batch-1-0', text_body: null });
    expect(await outboxRow(ids[1]!)).toMatchObject({ status: 'failed', last_error: 'inactive recipient', text_body: null });
    expect(await outboxRow(ids[2]!)).toMatchObject({ status: 'sent', provider_message_id: 'batch-1-2' });
    expect((await auditRows('email_sent')).map((r) => r.email).sort()).toEqual(['ada@example.com', 'cy@example.com']);
    expect(await auditRows('email_failed')).toMatchObject([{ email: 'bounced@example.com', data: { status: 'failed', error: 'inactive recipient' } }]);
  });

  it('retries every email of a batch whose request failed, or that was answered for the wrong number of emails', async () => {
    const ids = [await queue('ada@example.com'), await queue('bob@example.com')];
    const throwing: Mailer = { name: 'down', send: () => Promise.reject(new Error('unused')), sendBatch: () => Promise.reject(new Error('socket hang up')) };
    expect(await pass(throwing)).toMatchObject({ retrying: 2 });
    for (const id of ids) expect(await outboxRow(id)).toMatchObject({ status: 'pending', last_error: 'socket hang up', text_body: 'text body' });

    deps.clock.advance(60);
    const short: Mailer = { name: 'short', send: () => Promise.reject(new Error('unused')), sendBatch: async () => [{ status: 'sent', messageId: 'one' }] };
    expect(await pass(short)).toMatchObject({ sent: 0, retrying: 2 });
    expect(await outboxRow(ids[0]!)).toMatchObject({ status: 'pending', last_error: 'mailer answered 1 results for 2 emails' });
  });
});

describe('several workers', () => {
  it('two passes at the same moment send each email exactly once', async () => {
    const recipients = ['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com', 'e@example.com'];
    for (const recipient of recipients) await queue(recipient);
    const mailer = scriptedMailer();

    const reports = await Promise.all([pass(mailer), pass(mailer), pass(mailer)]);
    expect(reports.reduce((sum, r) => sum + r.sent, 0)).toBe(5);
    expect(mailer.calls.map((c) => c.to).sort()).toEqual(recipients);
    const rows = await suite.db.selectFrom('email_outbox').select(['status', 'attempts']).execute();
    expect(rows).toEqual(recipients.map(() => ({ status: 'sent', attempts: 1 })));
  });

  it('leaves an email claimed by a worker that died alone until its lease runs out', async () => {
    const id = await queue();
    const dead = heldMailer();
    void deliverDueEmails(suite.db, deps, dead.mailer);
    await dead.sending;

    const mailer = scriptedMailer();
    deps.clock.advance(defaultDeliveryOptions.leaseSeconds - 1);
    expect(await pass(mailer)).toMatchObject({ sent: 0 });
    expect(mailer.calls).toHaveLength(0);

    deps.clock.advance(1);
    expect(await pass(mailer)).toMatchObject({ sent: 1 });
    expect(await outboxRow(id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('ignores the late outcome of a worker whose lease ran out mid-send', async () => {
    const id = await queue();
    const slow = heldMailer();
    const slowPass = deliverDueEmails(suite.db, deps, slow.mailer);
    await slow.sending;

    deps.clock.advance(defaultDeliveryOptions.leaseSeconds);
    expect(await pass(scriptedMailer())).toMatchObject({ sent: 1 });

    slow.finish({ status: 'permanent', error: 'too late to matter' });
    expect(await slowPass).toEqual({ sent: 0, retrying: 0, failed: 0, expired: 0, sends: [] });
    expect(await outboxRow(id)).toMatchObject({ status: 'sent', provider_message_id: 'msg-1', last_error: null });
    expect(await auditRows('email_failed')).toEqual([]);
    expect(deps.events).toContainEqual(expect.objectContaining({ event: 'email outcome dropped, lease lost', outboxId: id }));
  });

  it('does not let a late failure free the lease of the worker now sending', async () => {
    const id = await queue();
    const first = heldMailer();
    const firstPass = deliverDueEmails(suite.db, deps, first.mailer);
    await first.sending;

    deps.clock.advance(defaultDeliveryOptions.leaseSeconds);
    const second = heldMailer();
    const secondPass = deliverDueEmails(suite.db, deps, second.mailer);
    await second.sending;

    first.finish({ status: 'transient', error: 'timed out' });
    await firstPass;
    const third = scriptedMailer();
    deps.clock.advance(10);
    expect(await pass(third)).toMatchObject({ sent: 0 });
    expect(third.calls).toHaveLength(0);

    second.finish({ status: 'sent', messageId: 'second' });
    expect(await secondPass).toMatchObject({ sent: 1 });
    expect(await outboxRow(id)).toMatchObject({ status: 'sent', provider_message_id: 'second', attempts: 2 });
  });
});

describe('retry backoff', () => {
  const options = { ...defaultDeliveryOptions, retryBaseSeconds: 2, retryMaxSeconds: 60 };

  it('doubles with each attempt until the cap', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 30, 2000].map((attempts) => retryDelaySeconds(attempts, options, 0.5));
    expect(delays).toEqual([2, 4, 8, 16, 32, 60, 60, 60, 60]);
  });

  it('spreads retries by ±20 % around the delay', () => {
    expect(retryDelaySeconds(3, options, 0)).toBeCloseTo(6.4);
    expect(retryDelaySeconds(3, options, 1)).toBeCloseTo(9.6);
    expect(retryDelaySeconds(50, options, 1)).toBe(60);
  });
});
