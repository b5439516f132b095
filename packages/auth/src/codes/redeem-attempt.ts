import { sql } from 'kysely';
import { AUDIT_COLUMNS, auditRow } from '../audit/audit';
import { wrongCodeCharge } from '../limits/sign-in-limits';
import type { AuthDeps, RequestMeta } from '../options';
import { fail } from '../reasons';
import { newSession, SESSION_COLUMNS } from '../sessions/session';
import { compiledStatement, rowValues, slotRow } from '../sql/compiled-statement';
import { insertForEach } from '../sql/insert-for-each';
import { type Executor, userRowToUser } from '../users/user';
import type { Attempt } from './attempt';
import type { VerifyCodeResult } from './verify-code';

/**
 * Claims the attempt (only if still live: a concurrent verify of the same code finds it used),
 * signs the user in and creates the session, with its audit row, in one statement. An invited
 * user becomes active on their first sign-in; a deactivated one gets no session.
 */
const signInStatement = compiledStatement<'sign-in', Parameters<typeof userRowToUser>[0]>((db, slot) => {
  const now = slot<Date>('now');
  const claimed = db
    .updateTable('sign_in_attempts')
    .set({ consumed_at: now })
    .where('id', '=', slot<string>('attemptId'))
    .where('consumed_at', 'is', null)
    .where('voided_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('id');
  const signedIn = db
    .updateTable('users')
    .set({
      status: sql`case when status = 'invited' then 'active' else status end`,
      activated_at: sql`coalesce(activated_at, ${now})`,
      last_sign_in_at: now,
      timezone: slot<string>('timezone'),
      updated_at: now,
    })
    .where('id', '=', slot<string>('userId'))
    .where('status', '!=', sql.lit('deactivated'))
    .where(sql<boolean>`exists (select 1 from claimed)`)
    .returning(['id', 'email', 'role', 'status', 'timezone']);
  return sql`
    with claimed as (${claimed}),
      signed_in as (${signedIn}),
      session as (${insertForEach('signed_in', 'sessions', slotRow(slot, 'session', SESSION_COLUMNS))}),
      audit as (${insertForEach('signed_in', 'audit_events', slotRow(slot, 'audit', AUDIT_COLUMNS))})
    select id, email, role, status, timezone from signed_in`;
});

export async function signIn(
  db: Executor,
  deps: AuthDeps,
  s: { attempt: Attempt; userId: string; timezone: string; meta: RequestMeta; now: Date },
): Promise<VerifyCodeResult> {
  const { attempt, userId, now } = s;
  const created = newSession(deps, userId, s.meta);
  const audit = auditRow({
    type: 'sign_in_succeeded',
    actorUserId: userId,
    subjectUserId: userId,
    email: attempt.email,
    meta: s.meta,
    data: { method: 'email_code', signUp: attempt.kind === 'sign_up' },
    at: now,
  });
  const [user] = await signInStatement(db, 'sign-in', {
    now,
    attemptId: attempt.id,
    userId,
    timezone: s.timezone,
    ...rowValues('session', created.row),
    ...rowValues('audit', audit),
  });
  if (!user) return fail('invalid_or_expired_code');
  return {
    ok: true,
    user: userRowToUser(user),
    session: { token: created.token, expiresAt: created.session.expiresAt, absoluteExpiresAt: created.session.absoluteExpiresAt },
  };
}

/**
 * Counts a wrong code against the attempt (voiding it at the limit) and the email's limits, with
 * its audit row, in one statement.
 */
export async function recordWrongCode(db: Executor, deps: AuthDeps, attempt: Attempt, meta: RequestMeta, now: Date): Promise<VerifyCodeResult> {
  const { maxFailedAttempts } = deps.options.code;
  const counted = db
    .updateTable('sign_in_attempts')
    .set((eb) => ({
      failed_count: eb('failed_count', '+', 1),
      voided_at: sql`case when failed_count + 1 >= ${maxFailedAttempts} then ${now}::timestamptz end`,
    }))
    .where('id', '=', attempt.id)
    .where('consumed_at', 'is', null)
    .where('voided_at', 'is', null)
    .returning(['failed_count', sql<boolean>`voided_at is not null`.as('voided')]);
  const audit = {
    ...auditRow({ type: 'sign_in_failed', subjectUserId: attempt.userId, email: attempt.email, meta, at: now }),
    type: sql`case when counted.voided then 'attempt_voided' else 'sign_in_failed' end`,
    data: sql`jsonb_build_object('failedCount', counted.failed_count)`,
  };
  const { rows } = await sql<{ voided: boolean }>`
    with counted as (${counted}),
      charged as (${wrongCodeCharge(deps, attempt.email, now)}),
      audit as (${insertForEach('counted', 'audit_events', audit)})
    select voided from counted`.execute(db);
  // No row: a concurrent wrong code voided the attempt first.
  return fail(rows[0]?.voided === false ? 'invalid_or_expired_code' : 'too_many_attempts');
}
