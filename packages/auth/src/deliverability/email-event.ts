import type { Executor } from '@app/db';
import { sql } from 'kysely';
import type { AuthDeps } from '../options';
import type { AuditEventType } from '../vocabulary';

/**
 * What an email provider reported about an email it accepted, in the product's terms (the API
 * reads Postmark's webhook payloads into this; the auth package knows no provider).
 */
export type EmailEvent = {
  /** Unique per event: a replay of the same event carries the same key. */
  key: string;
  /** The provider's name for the event, e.g. `Bounce`. */
  recordType: string;
  /** The provider's id of the email it is about (what the outbox kept when it was sent). */
  messageId: string | null;
  /** The address the provider names. */
  recipient: string;
  /** When it happened, by the provider's clock. */
  at: Date;
} & (
  | { kind: 'delivered' }
  | { kind: 'bounced'; bounceType: string; description: string | null; suppresses: boolean }
  | { kind: 'complained' }
  | { kind: 'subscription_changed'; suppressSending: boolean; reason: string | null; origin: string | null }
);

export type RecordEmailEventResult =
  | { outcome: 'recorded'; email: string; userId: string | null; outboxId: string | null; suppressed: boolean }
  | { outcome: 'replayed' };

const AUDIT_TYPE: Record<EmailEvent['kind'], AuditEventType> = {
  delivered: 'email_delivered',
  bounced: 'email_bounced',
  complained: 'email_complained',
  subscription_changed: 'email_subscription_changed',
};

const OUTBOX_STATUS: Record<EmailEvent['kind'], 'delivered' | 'bounced' | 'complained' | null> = {
  delivered: 'delivered',
  bounced: 'bounced',
  complained: 'complained',
  subscription_changed: null,
};

/** True: the event suppresses the address; false: it lifts a suppression; null: neither. */
function suppressionChange(event: EmailEvent): { suppress: boolean | null; reason: string | null } {
  switch (event.kind) {
    case 'bounced':
      return event.suppresses ? { suppress: true, reason: event.bounceType } : { suppress: null, reason: null };
    case 'complained':
      return { suppress: true, reason: 'SpamComplaint' };
    case 'subscription_changed':
      return { suppress: event.suppressSending, reason: event.suppressSending ? (event.reason ?? 'ManualSuppression') : null };
    default:
      return { suppress: null, reason: null };
  }
}

function auditData(event: EmailEvent): Record<string, unknown> {
  const common = { messageId: event.messageId };
  switch (event.kind) {
    case 'bounced':
      return { ...common, bounceType: event.bounceType, ...(event.description ? { description: event.description.slice(0, 200) } : {}) };
    case 'subscription_changed':
      return { ...common, suppressSending: event.suppressSending, reason: event.reason, origin: event.origin };
    default:
      return common;
  }
}

/**
 * Applies a provider event once, in one statement: the event's key is inserted first and every
 * other write hangs on that insert, so a replay (the provider retrying, or the same event twice at
 * once) finds the key taken and changes nothing. An event that arrives before the send's outcome
 * is written (the provider can be that quick) is picked up by the outcome (`recordOutcomes`).
 * The event is tied to the email by the provider's
 * message id (the outbox row, its recipient and user), else to the address it names and the user
 * who has it. The outbox row records the latest delivery state, the address's deliverability is
 * updated (suppressed by hard bounces, complaints and unsubscribes; lifted by a resubscription,
 * unless the event is older than an admin's lift), and an audit row is written.
 */
export async function recordEmailEvent(db: Executor, deps: AuthDeps, event: EmailEvent): Promise<RecordEmailEventResult> {
  const now = deps.now();
  const recipient = event.recipient.trim().toLowerCase();
  const { suppress, reason } = suppressionChange(event);
  const status = OUTBOX_STATUS[event.kind];
  const at = sql`${event.at}::timestamptz`;
  const atIf = (kind: EmailEvent['kind']) => sql`${event.kind === kind ? event.at : null}::timestamptz`;
  const suppressing = sql`excluded.suppressed_at is not null and (d.lifted_at is null or excluded.suppressed_at > d.lifted_at)`;
  const lifting = sql`excluded.lifted_at is not null and (d.suppressed_at is null or excluded.lifted_at >= d.suppressed_at)`;
  const { rows } = await sql<{ email: string; user_id: string | null; outbox_id: string | null; suppressed: boolean }>`
    with event as (
      insert into email_events (event_key, record_type, message_id, delivery_status, email, occurred_at, received_at)
      values (${event.key}, ${event.recordType}, ${event.messageId}, ${status}, ${recipient}, ${at}, ${now})
      on conflict (event_key) do nothing
      returning event_key),
    sent as (
      select id, recipient, user_id, kind from email_outbox
      where provider_message_id = ${event.messageId}::text order by id desc limit 1),
    subject as (
      select coalesce(sent.recipient, ${recipient}::text) as email, sent.id as outbox_id, sent.kind, coalesce(sent.user_id, u.id) as user_id
      from event left join sent on true left join users u on u.email = coalesce(sent.recipient, ${recipient}::text)),
    outbox as (
      update email_outbox o set delivery_status = ${status}::text, delivery_status_at = ${at}
      from subject
      where o.id = subject.outbox_id and ${status}::text is not null and (o.delivery_status_at is null or o.delivery_status_at <= ${at})
      returning o.id),
    state as (
      insert into email_deliverability as d
        (email, delivered_at, bounced_at, bounce_type, complained_at, suppressed_at, suppression_reason, lifted_at, updated_at)
      select subject.email, ${atIf('delivered')}, ${atIf('bounced')}, ${event.kind === 'bounced' ? event.bounceType : null}::text, ${atIf('complained')},
        case when ${suppress}::boolean then ${at} end, case when ${suppress}::boolean then ${reason}::text end,
        case when not ${suppress}::boolean then ${at} end, ${now}::timestamptz
      from subject
      on conflict (email) do update set
        delivered_at = greatest(d.delivered_at, excluded.delivered_at),
        bounced_at = greatest(d.bounced_at, excluded.bounced_at),
        bounce_type = case when excluded.bounced_at >= d.bounced_at or d.bounced_at is null then coalesce(excluded.bounce_type, d.bounce_type) else d.bounce_type end,
        complained_at = greatest(d.complained_at, excluded.complained_at),
        suppressed_at = case when ${suppressing} then coalesce(d.suppressed_at, excluded.suppressed_at) when ${lifting} then null else d.suppressed_at end,
        suppression_reason = case
          when ${suppressing} then (case when d.suppressed_at is null then excluded.suppression_reason else d.suppression_reason end)
          when ${lifting} then null else d.suppression_reason end,
        lifted_at = case when ${lifting} then excluded.lifted_at else d.lifted_at end,
        updated_at = excluded.updated_at
      returning d.suppressed_at is not null as suppressed),
    audit as (
      insert into audit_events (type, subject_user_id, email, data, created_at)
      select ${AUDIT_TYPE[event.kind]}::text, subject.user_id, subject.email,
        ${JSON.stringify(auditData(event))}::jsonb || jsonb_build_object('outboxId', subject.outbox_id::text, 'kind', subject.kind, 'suppressed', state.suppressed),
        ${now}::timestamptz
      from subject cross join state)
    select subject.email, subject.user_id, subject.outbox_id, state.suppressed from subject cross join state`.execute(db);
  const [row] = rows;
  if (!row) return { outcome: 'replayed' };
  return { outcome: 'recorded', email: row.email, userId: row.user_id, outboxId: row.outbox_id, suppressed: row.suppressed };
}
