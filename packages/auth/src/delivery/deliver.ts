import type { Database } from '@app/db';
import { sql } from 'kysely';
import { suppressedSql } from '../deliverability/suppressed';
import { addSeconds, type AuthDeps } from '../options';
import type { Mailer, OutgoingEmail, SendResult } from './mailer';
import { type ClaimedEmail, type Outcome, outcomeOf, recordOutcomes } from './outcomes';

export interface DeliveryOptions {
  /** Rows one pass claims at most (and sends in one request when the mailer can batch). */
  batchSize: number;
  /** How long a claimed row stays hidden from other workers; longer than a send can take. */
  leaseSeconds: number;
  /** Backoff: base delay doubled per attempt, capped. */
  retryBaseSeconds: number;
  retryMaxSeconds: number;
}

export const defaultDeliveryOptions: DeliveryOptions = {
  batchSize: 50,
  leaseSeconds: 60,
  retryBaseSeconds: 2,
  retryMaxSeconds: 60,
};

export interface DeliveryReport {
  sent: number;
  retrying: number;
  failed: number;
  expired: number;
  /** Every send this pass made, by the email's kind: what metrics count. */
  sends: Array<{ kind: string; outcome: 'sent' | 'failed' | 'permanently_failed' }>;
}

/** Seconds to wait before attempt number `attempts + 1`, with ±20 % jitter so retries spread out, capped. */
export function retryDelaySeconds(attempts: number, options: DeliveryOptions, jitter: number): number {
  const base = options.retryBaseSeconds * 2 ** Math.min(30, Math.max(0, attempts - 1));
  return Math.min(options.retryMaxSeconds, base * (0.8 + 0.4 * jitter));
}

/**
 * Claims due emails (SKIP LOCKED plus a lease, so several API instances never take the same row),
 * sends them, and records every outcome. Sent emails have their bodies scrubbed; emails whose
 * deadline passed are never sent. The claim (which also gives up on overdue emails) and the
 * outcomes are each written for the whole pass at once, however many emails it carries; the
 * statement counts are in docs/performance.md.
 */
export async function deliverDueEmails(
  db: Database,
  deps: AuthDeps,
  mailer: Mailer,
  options: DeliveryOptions = defaultDeliveryOptions,
): Promise<DeliveryReport> {
  const { claimed, expired } = await claimDueEmails(db, deps.now(), options);
  const report: DeliveryReport = { sent: 0, retrying: 0, failed: 0, expired, sends: [] };
  if (claimed.length === 0) return report;

  const results = await sendAll(mailer, claimed);
  const now = deps.now();
  const outcomes = claimed.map((row, i) => outcomeOf(row, results[i]!, now, retryDelaySeconds(row.attempts, options, deps.randomBytes(1)[0]! / 255)));
  const recorded = await recordOutcomes(db, outcomes, now);
  for (const outcome of outcomes) {
    const { row, result } = outcome;
    if (!recorded.has(row.id)) {
      // Every claim bumps `attempts`; if it moved, our lease ran out mid-send and another worker
      // owns the row now, so our late outcome was not written over theirs.
      deps.log({ event: 'email outcome dropped, lease lost', outboxId: row.id, result: result.status });
      continue;
    }
    report[outcome.kind] += 1;
    report.sends.push({ kind: row.kind, outcome: result.status === 'sent' ? 'sent' : result.status === 'permanent' ? 'permanently_failed' : 'failed' });
    logOutcome(deps, outcome);
  }
  return report;
}

function logOutcome(deps: AuthDeps, { row, result, kind, nextAttemptAt }: Outcome): void {
  if (result.status === 'sent') deps.log({ event: 'email sent', outboxId: row.id, kind: row.kind, attempts: row.attempts });
  else if (kind === 'retrying') deps.log({ event: 'email send failed, will retry', outboxId: row.id, error: result.error, retryAt: nextAttemptAt?.toISOString() });
  else deps.log({ event: 'email not delivered', outboxId: row.id, status: kind, error: result.error });
}

const claimedColumns = ['id', 'kind', 'recipient', 'subject', 'text_body', 'html_body', 'user_id', 'attempts', 'not_after'] as const;

/** A claimed email, and whether its address was suppressed meanwhile (it is then not sent). */
type Claimed = ClaimedEmail & { suppressed: boolean };

/**
 * Gives up on pending emails whose deadline passed (scrubbing their bodies) and claims due ones, in
 * one statement, which also says of each claimed email whether its address is suppressed now.
 */
async function claimDueEmails(db: Database, now: Date, options: DeliveryOptions): Promise<{ claimed: Claimed[]; expired: number }> {
  const unlocked = sql<boolean>`(locked_until is null or locked_until <= ${now})`;
  const expired = db
    .updateTable('email_outbox')
    .set({ status: 'expired', text_body: null, html_body: null, locked_until: null })
    .where('status', '=', 'pending')
    .where('not_after', '<=', now)
    .where(unlocked)
    .returning('id');
  const claimed = db
    .updateTable('email_outbox')
    .set((eb) => ({ locked_until: addSeconds(now, options.leaseSeconds), attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('email_outbox')
        .select('id')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .where('not_after', '>', now)
        .where(unlocked)
        .orderBy('id')
        .limit(options.batchSize)
        .forUpdate()
        .skipLocked(),
    )
    .returning([
      ...claimedColumns,
      suppressedSql(sql.ref('email_outbox.recipient')).as('suppressed'),
    ]);
  // One row even when nothing is claimed, to carry the count of expired emails.
  const { rows } = await sql<Partial<Claimed> & { expired: number }>`
    with expired as (${expired}), claimed as (${claimed})
    select ${sql.join([...claimedColumns, 'suppressed'].map((c) => sql.ref(`claimed.${c}`)))}, counted.expired
    from (select count(expired.id)::int as expired from expired) as counted left join claimed on true`.execute(db);
  const claimedRows = rows.filter((r): r is Claimed & { expired: number } => r.id != null);
  // Oldest first, as queued (an update returns its rows in no particular order).
  claimedRows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  return { claimed: claimedRows, expired: rows[0]?.expired ?? 0 };
}

/**
 * Sends the claimed emails, in one request when the mailer can batch. An email to an address
 * suppressed since it was queued is not sent (a suppressed address gets no more email). Never throws.
 */
async function sendAll(mailer: Mailer, rows: Claimed[]): Promise<SendResult[]> {
  const emails = rows.map((row) => (row.suppressed ? SUPPRESSED : toOutgoing(row)));
  const sendable = emails.filter((e): e is OutgoingEmail => e !== null && e !== SUPPRESSED);
  const { sendBatch } = mailer;
  const sent =
    sendBatch && sendable.length > 1
      ? await guarded(sendable.length, () => sendBatch.call(mailer, sendable))
      : await Promise.all(sendable.map(async (e) => (await guarded(1, async () => [await mailer.send(e)]))[0]!));
  let next = 0;
  return emails.map((e) =>
    e === SUPPRESSED ? { status: 'permanent', error: 'recipient suppressed' } : e === null ? { status: 'permanent', error: 'body missing' } : sent[next++]!,
  );
}

const SUPPRESSED = Symbol('suppressed');

function toOutgoing(row: ClaimedEmail): OutgoingEmail | null {
  if (row.text_body === null || row.html_body === null) return null;
  return { to: row.recipient, subject: row.subject, text: row.text_body, html: row.html_body, tag: row.kind };
}

/** A transport that throws instead of classifying, or answers the wrong number of results: passing trouble. */
async function guarded(count: number, send: () => Promise<SendResult[]>): Promise<SendResult[]> {
  try {
    const results = await send();
    if (results.length === count) return results;
    return Array<SendResult>(count).fill({ status: 'transient', error: `mailer answered ${results.length} results for ${count} emails` });
  } catch (error) {
    return Array<SendResult>(count).fill({ status: 'transient', error: error instanceof Error ? error.message : String(error) });
  }
}

/** How many emails wait to be sent, and for how long the oldest has waited (0 when none). */
export async function pendingEmailsSummary(db: Database, now: Date): Promise<{ pending: number; oldestPendingSeconds: number }> {
  const row = await db
    .selectFrom('email_outbox')
    .select([sql<string>`count(*)`.as('n'), sql<Date | null>`min(created_at)`.as('oldest')])
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  const oldest = row.oldest === null ? null : new Date(row.oldest);
  return { pending: Number(row.n), oldestPendingSeconds: oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0 };
}
