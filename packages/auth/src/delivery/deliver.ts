import type { Database, OutboxRow } from '@app/db';
import { sql } from 'kysely';
import { recordAudit } from '../audit/audit';
import { addSeconds, type AuthDeps } from '../options';
import type { Mailer, SendResult } from './mailer';

export interface DeliveryOptions {
  /** Rows one pass claims at most. */
  batchSize: number;
  /** How long a claimed row stays hidden from other workers; longer than a send can take. */
  leaseSeconds: number;
  /** Backoff: base delay doubled per attempt, capped. */
  retryBaseSeconds: number;
  retryMaxSeconds: number;
}

export const defaultDeliveryOptions: DeliveryOptions = {
  batchSize: 20,
  leaseSeconds: 60,
  retryBaseSeconds: 2,
  retryMaxSeconds: 60,
};

export interface DeliveryReport {
  sent: number;
  retrying: number;
  failed: number;
  expired: number;
}

/** Seconds to wait before attempt number `attempts + 1`, with ±20 % jitter so retries spread out, capped. */
export function retryDelaySeconds(attempts: number, options: DeliveryOptions, jitter: number): number {
  const base = options.retryBaseSeconds * 2 ** Math.min(30, Math.max(0, attempts - 1));
  return Math.min(options.retryMaxSeconds, base * (0.8 + 0.4 * jitter));
}

/**
 * Claims due emails (SKIP LOCKED plus a lease, so several API instances never take the same row),
 * sends them, and records each outcome. Sent emails have their bodies scrubbed; emails whose
 * deadline passed are never sent.
 */
export async function deliverDueEmails(
  db: Database,
  deps: AuthDeps,
  mailer: Mailer,
  options: DeliveryOptions = defaultDeliveryOptions,
): Promise<DeliveryReport> {
  const now = deps.now();
  const report: DeliveryReport = { sent: 0, retrying: 0, failed: 0, expired: 0 };
  report.expired = await expireOverdueEmails(db, now);

  const claimed = await db
    .updateTable('email_outbox')
    .set((eb) => ({ locked_until: addSeconds(now, options.leaseSeconds), attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('email_outbox')
        .select('id')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .where('not_after', '>', now)
        .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<=', now)]))
        .orderBy('id')
        .limit(options.batchSize)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();

  await Promise.all(
    claimed.map(async (row) => {
      const result = await sendSafely(mailer, row);
      const outcome = await recordOutcome(db, deps, row, result, options);
      if (outcome) report[outcome] += 1;
    }),
  );
  return report;
}

async function sendSafely(mailer: Mailer, row: OutboxRow): Promise<SendResult> {
  if (row.text_body === null || row.html_body === null) return { status: 'permanent', error: 'body missing' };
  try {
    return await mailer.send({ to: row.recipient, subject: row.subject, text: row.text_body, html: row.html_body, tag: row.kind });
  } catch (error) {
    // A transport that throws instead of classifying: treat as passing trouble.
    return { status: 'transient', error: error instanceof Error ? error.message : String(error) };
  }
}

type Outcome = keyof DeliveryReport;

async function recordOutcome(
  db: Database,
  deps: AuthDeps,
  row: OutboxRow,
  result: SendResult,
  options: DeliveryOptions,
): Promise<Outcome | null> {
  const now = deps.now();
  return db.transaction().execute(async (trx): Promise<Outcome | null> => {
    // Every claim bumps `attempts`; if it moved, our lease ran out mid-send and another worker
    // owns the row now, so our late outcome must not overwrite theirs (or free their lease).
    const ifStillOurs = trx.updateTable('email_outbox').where('id', '=', row.id).where('attempts', '=', row.attempts);
    const lost = () => {
      deps.log({ event: 'email outcome dropped, lease lost', outboxId: row.id, result: result.status });
      return null;
    };
    if (result.status === 'sent') {
      const updated = await ifStillOurs
        .set({ status: 'sent', sent_at: now, provider_message_id: result.messageId, locked_until: null, text_body: null, html_body: null, last_error: null })
        .executeTakeFirstOrThrow();
      if (updated.numUpdatedRows === 0n) return lost();
      await recordAudit(trx, { type: 'email_sent', subjectUserId: row.user_id, email: row.recipient, data: { kind: row.kind, attempts: row.attempts }, at: now });
      deps.log({ event: 'email sent', outboxId: row.id, kind: row.kind, attempts: row.attempts });
      return 'sent';
    }
    const next = addSeconds(now, retryDelaySeconds(row.attempts, options, deps.randomBytes(1)[0]! / 255));
    if (result.status === 'transient' && next < row.not_after) {
      const updated = await ifStillOurs
        .set({ next_attempt_at: next, locked_until: null, last_error: result.error.slice(0, 500) })
        .executeTakeFirstOrThrow();
      if (updated.numUpdatedRows === 0n) return lost();
      deps.log({ event: 'email send failed, will retry', outboxId: row.id, error: result.error, retryAt: next.toISOString() });
      return 'retrying';
    }
    const status = result.status === 'permanent' ? 'failed' : 'expired';
    const updated = await ifStillOurs
      .set({ status, locked_until: null, last_error: result.error.slice(0, 500), text_body: null, html_body: null })
      .executeTakeFirstOrThrow();
    if (updated.numUpdatedRows === 0n) return lost();
    await recordAudit(trx, {
      type: 'email_failed',
      subjectUserId: row.user_id,
      email: row.recipient,
      data: { kind: row.kind, attempts: row.attempts, status, error: result.error.slice(0, 200) },
      at: now,
    });
    deps.log({ event: 'email not delivered', outboxId: row.id, status, error: result.error });
    return status === 'failed' ? 'failed' : 'expired';
  });
}

/** Gives up on pending emails whose deadline has passed, and scrubs their bodies. */
async function expireOverdueEmails(db: Database, now: Date): Promise<number> {
  const rows = await db
    .updateTable('email_outbox')
    .set({ status: 'expired', text_body: null, html_body: null, locked_until: null })
    .where('status', '=', 'pending')
    .where('not_after', '<=', now)
    .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<=', now)]))
    .returning('id')
    .execute();
  return rows.length;
}

/** Pending emails right now (for readiness and tests). */
export async function countPendingEmails(db: Database): Promise<number> {
  const row = await db.selectFrom('email_outbox').select(sql<string>`count(*)`.as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow();
  return Number(row.n);
}
