import type { Database, DB } from '@app/db';
import { sql, type Transaction } from 'kysely';
import { recordAudit } from '../audit/audit';
import { addSeconds } from '../options';

const DAY = 86_400;
/** Any bigint; only cleanup takes it (the first-admin bootstrap uses 7_412_001). */
const CLEANUP_LOCK = 7_412_002;
/** Audit rows deleted per transaction, and transactions per run (the next run goes on where it stopped). */
const AUDIT_BATCH = 5_000;
const MAX_AUDIT_BATCHES = 200;
/** Provider event keys are kept this long against replays. */
const EMAIL_EVENT_DAYS = 30;

/*
 * What counts as "past", and why:
 *   codes         expires_at < now: a verify never reads an expired code.
 *   attempts      expired more than a day ago: nothing reads them after expiry (limits live in
 *                 rate_limits), but a day lets support see why someone just failed to sign in.
 *   sessions      expires_at < now (already min(idle, absolute)): validation refuses them.
 *   outbox        sent, failed or expired, and created more than 7 days ago: bodies are already
 *                 scrubbed; the rows stay a week to answer "did my email go out?".
 *   rate limits   tat < now: a key whose theoretical arrival time has passed limits nothing.
 *   invitations   invited, never signed in, created more than INVITE_TTL_DAYS ago; an invited
 *                 admin is kept while no active admin exists, so the product keeps a way in.
 *   audit events  created more than AUDIT_RETENTION_DAYS ago: they hold IP addresses and user
 *                 agents (personal data), kept only as long as the operator says.
 *   email events  received more than 30 days ago: their keys only stop a provider's retries of the
 *                 same event (Postmark retries for hours, not weeks).
 *   deliverability an address's provider reports, not suppressed and last updated more than
 *                 AUDIT_RETENTION_DAYS ago; a suppression stays until it is lifted (the provider
 *                 keeps its own, too).
 * A row is counted once, under the first kind that removed it (an invitation's attempts go with it).
 */
export interface CleanupCounts {
  codes: number;
  attempts: number;
  sessions: number;
  outbox: number;
  rateLimits: number;
  invitedUsers: number;
  auditEvents: number;
  emailEvents: number;
  deliverability: number;
}

export type CleanupResult = { ran: true; removed: CleanupCounts } | { ran: false };

/** How long rows that are not otherwise expired are kept. */
export interface RetentionPolicy {
  inviteTtlDays: number;
  auditRetentionDays: number;
}

export interface CleanupInput extends RetentionPolicy {
  now: Date;
  /** Audit rows per transaction (tests make it small). */
  auditBatchSize?: number;
}

/**
 * Deletes what has expired in one transaction, then old audit events in batches of their own
 * transactions, so a large backlog never holds long locks. Runs only if no other process is cleaning
 * up (a transaction-level advisory lock, taken again by every batch: it works on one PGlite
 * connection, across Postgres clients and through a transaction-mode pooler); otherwise returns
 * `{ ran: false }` at once.
 */
export async function cleanUp(db: Database, input: CleanupInput): Promise<CleanupResult> {
  const expired = await db.transaction().execute(async (trx) => {
    if (!(await takeCleanupLock(trx))) return null;
    const { now } = input;
    // Users first, as admin changes lock them first too: cleanup and an admin removing the same
    // user then queue on the user row instead of each holding rows the other needs.
    const invitedUsers = await removeExpiredInvitations(trx, input);
    const codes = await trx.deleteFrom('sign_in_codes').where('expires_at', '<', now).executeTakeFirst();
    const attempts = await trx.deleteFrom('sign_in_attempts').where('expires_at', '<', addSeconds(now, -DAY)).executeTakeFirst();
    const sessions = await trx.deleteFrom('sessions').where('expires_at', '<', now).executeTakeFirst();
    const outbox = await trx
      .deleteFrom('email_outbox')
      .where('status', 'in', ['sent', 'failed', 'expired'])
      .where('created_at', '<', addSeconds(now, -7 * DAY))
      .executeTakeFirst();
    const rateLimits = await trx.deleteFrom('rate_limits').where('tat', '<', now).executeTakeFirst();
    const emailEvents = await trx.deleteFrom('email_events').where('received_at', '<', addSeconds(now, -EMAIL_EVENT_DAYS * DAY)).executeTakeFirst();
    const deliverability = await trx
      .deleteFrom('email_deliverability')
      .where('suppressed_at', 'is', null)
      .where('updated_at', '<', addSeconds(now, -input.auditRetentionDays * DAY))
      .executeTakeFirst();
    return {
      codes: Number(codes.numDeletedRows),
      attempts: Number(attempts.numDeletedRows),
      sessions: Number(sessions.numDeletedRows),
      outbox: Number(outbox.numDeletedRows),
      rateLimits: Number(rateLimits.numDeletedRows),
      invitedUsers,
      emailEvents: Number(emailEvents.numDeletedRows),
      deliverability: Number(deliverability.numDeletedRows),
    };
  });
  if (!expired) return { ran: false };
  return { ran: true, removed: { ...expired, auditEvents: await removeOldAuditEvents(db, input) } };
}

async function takeCleanupLock(trx: Transaction<DB>): Promise<boolean> {
  const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${CLEANUP_LOCK}::bigint) as locked`.execute(trx);
  return rows[0]?.locked ?? false;
}

/** Stops early when another process holds the lock: it is cleaning up and will take the rest. */
async function removeOldAuditEvents(db: Database, { now, auditRetentionDays, auditBatchSize = AUDIT_BATCH }: CleanupInput): Promise<number> {
  const cutoff = addSeconds(now, -auditRetentionDays * DAY);
  let removed = 0;
  for (let batch = 0; batch < MAX_AUDIT_BATCHES; batch++) {
    const deleted = await db.transaction().execute(async (trx) => {
      if (!(await takeCleanupLock(trx))) return 0;
      const oldest = trx.selectFrom('audit_events').select('id').where('created_at', '<', cutoff).orderBy('created_at').limit(auditBatchSize);
      // `= any(array(…))`, not `in (…)`: with `in`, Postgres joins the batch against a full scan of the table.
      const result = await trx.deleteFrom('audit_events').where(sql<boolean>`id = any(array(${oldest}))`).executeTakeFirst();
      return Number(result.numDeletedRows);
    });
    removed += deleted;
    if (deleted < auditBatchSize) break;
  }
  return removed;
}

async function removeExpiredInvitations(trx: Transaction<DB>, { now, inviteTtlDays }: CleanupInput): Promise<number> {
  const removed = await trx
    .deleteFrom('users')
    .where('status', '=', 'invited')
    .where('last_sign_in_at', 'is', null)
    .where('created_at', '<', addSeconds(now, -inviteTtlDays * DAY))
    .where((eb) =>
      eb.or([
        eb('role', '!=', 'admin'),
        eb.exists(eb.selectFrom('users as active').select('active.id').where('active.role', '=', 'admin').where('active.status', '=', 'active')),
      ]),
    )
    .returning(['id', 'email', 'role'])
    .execute();
  for (const user of removed) {
    // The user is gone, so the row names them by email (and keeps the id in data).
    await recordAudit(trx, {
      type: 'user_removed',
      email: user.email,
      data: { removedUserId: user.id, role: user.role, status: 'invited', reason: 'invitation_expired' },
      at: now,
    });
  }
  return removed.length;
}
