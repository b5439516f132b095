import { describe, expect, it, vi } from 'vitest';
import { addUser, clearSuppression, deliverDueEmails, type EmailEvent, enqueueEmail, type Mailer, recordEmailEvent, type SendResult } from '../src/index';
import { useDatabaseSuite } from './helpers';

const suite = useDatabaseSuite();
const meta = { ip: '127.0.0.1', userAgent: 'vitest' };

function hardBounce(recipient: string, messageId: string | null, at: Date, id = 1): EmailEvent {
  return { kind: 'bounced', key: `Bounce:${id}`, recordType: 'Bounce', messageId, recipient, at, bounceType: 'HardBounce', description: null, suppresses: true };
}

function deliverability(email: string) {
  return suite.db.selectFrom('email_deliverability').selectAll().where('email', '=', email).executeTakeFirst();
}

describe('provider events', () => {
  it('reach the outbox row even when they arrive before the send’s outcome is written', async () => {
    const now = suite.deps.now();
    const id = await enqueueEmail(suite.db, {
      kind: 'sign_in_code',
      recipient: 'ada@example.com',
      userId: null,
      content: { subject: 's', text: 't', html: 'h' },
      notAfter: new Date(now.getTime() + 900_000),
      now,
    });
    let finish!: (result: SendResult) => void;
    let sending!: () => void;
    const started = new Promise<void>((resolve) => (sending = resolve));
    const mailer: Mailer = {
      name: 'held',
      send: () => {
        sending();
        return new Promise((resolve) => (finish = resolve));
      },
    };
    const pass = deliverDueEmails(suite.db, suite.deps, mailer);
    await started;
    // The provider accepted the email and its bounce came in before its answer was recorded here.
    const recorded = await recordEmailEvent(suite.db, suite.deps, hardBounce('ada@example.com', 'msg-early', now));
    expect(recorded).toMatchObject({ outcome: 'recorded', outboxId: null, suppressed: true });
    finish({ status: 'sent', messageId: 'msg-early' });
    await pass;
    const row = await suite.db.selectFrom('email_outbox').select(['status', 'provider_message_id', 'delivery_status']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'sent', provider_message_id: 'msg-early', delivery_status: 'bounced' });
  });

  it('do not suppress again with an event older than an admin’s lift, and a later one does', async () => {
    const { user } = await addUser(suite.db, 'bob@example.com', 'admin', suite.deps.now());
    await suite.db.updateTable('users').set({ status: 'active' }).where('id', '=', user.id).execute();
    const before = suite.deps.now();
    await recordEmailEvent(suite.db, suite.deps, hardBounce('bob@example.com', null, before, 1));
    suite.deps.clock.advance(60);
    const reactivate = vi.fn<NonNullable<Mailer['reactivate']>>(async () => ({ ok: true }));
    expect(await clearSuppression(suite.db, suite.deps, { reactivate }, { actorId: user.id, userId: user.id, meta })).toMatchObject({ ok: true });
    expect(reactivate).toHaveBeenCalledWith('bob@example.com');
    // Postmark retried late an older bounce it had not got a 200 for (another event key).
    await recordEmailEvent(suite.db, suite.deps, hardBounce('bob@example.com', null, before, 2));
    expect((await deliverability('bob@example.com'))?.suppressed_at).toBeNull();
    suite.deps.clock.advance(60);
    await recordEmailEvent(suite.db, suite.deps, hardBounce('bob@example.com', null, suite.deps.now(), 3));
    expect((await deliverability('bob@example.com'))?.suppressed_at).toEqual(suite.deps.now());
  });

  it('leave the suppression when the provider will not reactivate the address', async () => {
    const { user } = await addUser(suite.db, 'cy@example.com', 'admin', suite.deps.now());
    await suite.db.updateTable('users').set({ status: 'active' }).where('id', '=', user.id).execute();
    await recordEmailEvent(suite.db, suite.deps, hardBounce('cy@example.com', null, suite.deps.now()));
    const reactivate = vi.fn<NonNullable<Mailer['reactivate']>>(async () => ({ ok: false, error: 'no authority' }));
    expect(await clearSuppression(suite.db, suite.deps, { reactivate }, { actorId: user.id, userId: user.id, meta })).toEqual({ ok: false, reason: 'reactivation_failed', detail: 'no authority' });
    expect((await deliverability('cy@example.com'))?.suppressed_at).not.toBeNull();
    const audit = await suite.db.selectFrom('audit_events').select('type').where('type', '=', 'email_suppression_lifted').execute();
    expect(audit).toEqual([]);
  });
});
