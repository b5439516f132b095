import type { Executor, OutboxRow, OutboxStatus } from '@app/db';
import { sql } from 'kysely';
import { addSeconds } from '../options';
import type { SendResult } from './mailer';

/** What a pass knows of an email it claimed. */
export type ClaimedEmail = Pick<OutboxRow, 'id' | 'kind' | 'recipient' | 'subject' | 'text_body' | 'html_body' | 'user_id' | 'attempts' | 'not_after'>;

/** What becomes of a claimed email after its send. */
export interface Outcome {
  row: ClaimedEmail;
  result: SendResult;
  kind: 'sent' | 'retrying' | 'failed' | 'expired';
  /** For a retry: when. */
  nextAttemptAt: Date | null;
}

/**
 * A transient failure is retried after `retryDelaySeconds` if that is still before the email's
 * deadline; otherwise the email has expired. A refused email has failed for good.
 */
export function outcomeOf(row: ClaimedEmail, result: SendResult, now: Date, retryDelaySeconds: number): Outcome {
  if (result.status === 'sent') return { row, result, kind: 'sent', nextAttemptAt: null };
  const next = addSeconds(now, retryDelaySeconds);
  if (result.status === 'transient' && next < row.not_after) return { row, result, kind: 'retrying', nextAttemptAt: next };
  return { row, result, kind: result.status === 'permanent' ? 'failed' : 'expired', nextAttemptAt: null };
}

/** The suppression reason of an address the provider refused synchronously (Postmark's ErrorCode 406). */
export const INACTIVE_RECIPIENT = 'InactiveRecipient';

const STATUS: Record<Outcome['kind'], OutboxStatus> = { sent: 'sent', retrying: 'pending', failed: 'failed', expired: 'expired' };

/**
 * Writes every outcome of a pass, with the audit rows of the sent and the given-up, in one
 * statement. A row is written only while its `attempts` is still the one this pass claimed (else
 * its lease ran out and another worker owns it). Sent and given-up emails lose their bodies; a
 * retried one keeps them and frees its lease. A refusal because the provider no longer sends to the
 * address (an inactive recipient) suppresses the address here too, in the same statement, so no
 * more email is queued for it. A sent email takes the delivery state of provider events that came
 * before this outcome was written (a fast bounce). Returns the ids written.
 */
export async function recordOutcomes(db: Executor, outcomes: readonly Outcome[], now: Date): Promise<Set<string>> {
  if (outcomes.length === 0) return new Set();
  const values = outcomes.map(({ row, result, kind, nextAttemptAt }) => {
    const messageId = result.status === 'sent' ? result.messageId : null;
    const error = result.status === 'sent' ? null : result.error.slice(0, 500);
    const suppress = result.status === 'permanent' && result.inactiveRecipient === true;
    return sql`(${row.id}::bigint, ${row.attempts}::int, ${STATUS[kind]}::text, ${messageId}::text, ${error}::text, ${nextAttemptAt}::timestamptz, ${suppress}::boolean)`;
  });
  const { rows } = await sql<{ id: string }>`
    with outcome (id, attempts, status, message_id, error, next_attempt_at, suppress) as (values ${sql.join(values)}),
    updated as (
      update email_outbox o set
        status = outcome.status,
        sent_at = case when outcome.status = 'sent' then ${now}::timestamptz end,
        provider_message_id = outcome.message_id,
        delivery_status = latest.delivery_status,
        delivery_status_at = latest.occurred_at,
        locked_until = null,
        last_error = outcome.error,
        next_attempt_at = coalesce(outcome.next_attempt_at, o.next_attempt_at),
        text_body = case when outcome.status = 'pending' then o.text_body end,
        html_body = case when outcome.status = 'pending' then o.html_body end
      from outcome
      -- The provider's webhook can come before this outcome is written.
      left join lateral (
        select e.delivery_status, e.occurred_at from email_events e
        where e.message_id = outcome.message_id and e.delivery_status is not null
        order by e.occurred_at desc limit 1) as latest on true
      where o.id = outcome.id and o.attempts = outcome.attempts
      returning o.id, o.kind, o.recipient, o.user_id, o.attempts, o.status, o.last_error, outcome.suppress),
    suppressed as (
      insert into email_deliverability as d (email, suppressed_at, suppression_reason, updated_at)
      select distinct recipient, ${now}::timestamptz, ${INACTIVE_RECIPIENT}::text, ${now}::timestamptz from updated where suppress
      on conflict (email) do update set
        suppressed_at = coalesce(d.suppressed_at, excluded.suppressed_at),
        suppression_reason = case when d.suppressed_at is null then excluded.suppression_reason else d.suppression_reason end,
        updated_at = excluded.updated_at),
    audit as (
      insert into audit_events (type, subject_user_id, email, data, created_at)
      select
        case when status = 'sent' then 'email_sent' else 'email_failed' end,
        user_id,
        recipient,
        case when status = 'sent' then jsonb_build_object('kind', kind, 'attempts', attempts)
          when suppress then jsonb_build_object('kind', kind, 'attempts', attempts, 'status', status, 'error', left(last_error, 200), 'suppressed', true)
          else jsonb_build_object('kind', kind, 'attempts', attempts, 'status', status, 'error', left(last_error, 200)) end,
        ${now}::timestamptz
      from updated where status <> 'pending')
    select id from updated`.execute(db);
  return new Set(rows.map((r) => r.id));
}
