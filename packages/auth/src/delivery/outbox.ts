import type { Insertable } from 'kysely';
import type { EmailOutboxTable, Executor } from '@app/db';
import type { EmailContent } from '../emails/html';

export interface QueuedEmail {
  kind: 'sign_in_code' | 'invitation' | 'email_change_code' | 'email_in_use' | 'email_changed' | 'email_changed_by_admin' | 'email_set_by_admin' | 'new_sign_in';
  recipient: string;
  userId: string | null;
  content: EmailContent;
  /** Not delivered after this moment (a code past its expiry is useless). */
  notAfter: Date;
  now: Date;
}

/** Queues an email; call it in the transaction that creates what the email announces. */
export async function enqueueEmail(db: Executor, email: QueuedEmail): Promise<string> {
  const row = await db.insertInto('email_outbox').values(queuedEmail(email)).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export const OUTBOX_COLUMNS = ['kind', 'recipient', 'subject', 'text_body', 'html_body', 'user_id', 'created_at', 'not_after', 'next_attempt_at'] as const;

/** The outbox row an email is queued as, for statements that write it together with its cause. */
export function queuedEmail(email: QueuedEmail) {
  return {
    kind: email.kind,
    recipient: email.recipient,
    subject: email.content.subject,
    text_body: email.content.text,
    html_body: email.content.html,
    user_id: email.userId,
    created_at: email.now,
    not_after: email.notAfter,
    next_attempt_at: email.now,
  } satisfies Insertable<EmailOutboxTable> & Record<(typeof OUTBOX_COLUMNS)[number], unknown>;
}
