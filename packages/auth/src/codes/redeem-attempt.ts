import { sql } from 'kysely';
import { AUDIT_COLUMNS, auditRow } from '../audit/audit';
import type { ChargeValues } from '../limits/rate-limit';
import { type WrongCodeCharge, wrongCodeCharge, wrongCodeChargeValues } from '../limits/sign-in-limits';
import type { AuthDeps, RequestMeta } from '../options';
import { fail, type Failure } from '../reasons';
import { invalidateSessionToken, newSession, SESSION_COLUMNS } from '../sessions/session';
import { compiledStatement, type Prefixed, rowValues, type SlotOf, slotRow } from '../sql/compiled-statement';
import { insertForEach } from '../sql/insert-for-each';
import { type User, type UserFields, userRowToUser } from '../users/user';
import type { Database, Executor } from '@app/db';
import type { Attempt } from './attempt';

/** A sign-in made: the user as they are now, and the new session's cookie value and lifetimes. */
export type SignedIn = { ok: true; user: User; session: { token: string; expiresAt: Date; absoluteExpiresAt: Date } };

/** How an attempt was redeemed: its code typed, or its link opened in the same browser. */
export type SignInMethod = 'email_code' | 'email_link';

type AuditRow = ReturnType<typeof auditRow>;

type SignInValues = { now: Date; attemptId: string; userId: string; email: string; timezone: string } & Prefixed<'session', ReturnType<typeof newSession>['row']> &
  Prefixed<'audit', AuditRow>;

/**
 * Claims the attempt (only if still live: a concurrent verify of the same code finds it used),
 * signs the user in and creates the session, with its audit row, in one statement. An invited
 * user becomes active on their first sign-in; a deactivated one gets no session, and neither does
 * one whose address has changed since the code was sent (the code went to the old address).
 */
const signInStatement = compiledStatement((db, slot: SlotOf<SignInValues>) => {
  const now = slot('now');
  const claimed = db
    .updateTable('sign_in_attempts')
    .set({ consumed_at: now })
    .where('id', '=', slot('attemptId'))
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
      timezone: slot('timezone'),
      updated_at: now,
    })
    .where('id', '=', slot('userId'))
    .where('email', '=', slot('email'))
    .where('status', '!=', sql.lit('deactivated'))
    .where(sql<boolean>`exists (select 1 from claimed)`)
    .returning(['id', 'email', 'role', 'status', 'timezone']);
  return sql<UserFields>`
    with claimed as (${claimed}),
      signed_in as (${signedIn}),
      session as (${insertForEach('signed_in', 'sessions', slotRow(slot, 'session', SESSION_COLUMNS))}),
      audit as (${insertForEach('signed_in', 'audit_events', slotRow(slot, 'audit', AUDIT_COLUMNS))})
    select id, email, role, status, timezone from signed_in`;
});

export interface Redeemed {
  attempt: Attempt;
  method: SignInMethod;
  timezone: string;
  /** The browser's current session cookie, dropped on success (no session fixation). */
  sessionToken: string | undefined;
  meta: RequestMeta;
  now: Date;
}

/**
 * Signs the attempt's user in once its code or link has been checked: the verify-code and
 * verify-link doors share everything after their check. `ok: false` when the attempt can no longer
 * sign anyone in (a decoy, a concurrent verify that claimed it first, a user deactivated meanwhile);
 * the caller answers with its own reason, and `detail` is for the log.
 */
export async function redeemAttempt(db: Database, deps: AuthDeps, redeemed: Redeemed): Promise<SignedIn | { ok: false; detail: string }> {
  const { attempt, now } = redeemed;
  const userId = attempt.userId ?? (attempt.kind === 'sign_up' ? await signUp(db, attempt.email, now) : null);
  if (userId === null) return { ok: false, detail: 'decoy attempt' };
  const result = await signIn(db, deps, { ...redeemed, userId });
  if (!result) return { ok: false, detail: 'attempt claimed meanwhile, or user deactivated' };
  if (redeemed.sessionToken) await invalidateSessionToken(db, redeemed.sessionToken);
  const via = redeemed.method === 'email_link' ? 'link' : 'code';
  deps.log({ event: `user signed in via ${via}`, userId: result.user.id, email: result.user.email, ip: redeemed.meta.ip });
  return result;
}

/** Open sign-up: the user row is created only now that the code verified (no pending rows pile up). */
async function signUp(db: Executor, email: string, now: Date): Promise<string> {
  await db
    .insertInto('users')
    .values({ email, role: 'user', created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute();
  const row = await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow();
  return row.id;
}

async function signIn(db: Executor, deps: AuthDeps, redeemed: Redeemed & { userId: string }): Promise<SignedIn | null> {
  const { attempt, userId, timezone, meta, now } = redeemed;
  const created = newSession(deps, userId, meta);
  const audit = auditRow({
    type: 'sign_in_succeeded',
    actorUserId: userId,
    subjectUserId: userId,
    email: attempt.email,
    meta,
    data: { method: redeemed.method, signUp: attempt.kind === 'sign_up' },
    at: now,
  });
  const [user] = await signInStatement(db, 'sign-in', {
    now,
    attemptId: attempt.id,
    userId,
    email: attempt.email,
    timezone,
    ...rowValues('session', created.row),
    ...rowValues('audit', audit),
  });
  if (!user) return null;
  return {
    ok: true,
    user: userRowToUser(user),
    session: { token: created.token, expiresAt: created.session.expiresAt, absoluteExpiresAt: created.session.absoluteExpiresAt },
  };
}

/** The audit columns a wrong code's row takes from values; its type and data come from the count. */
const WRONG_CODE_AUDIT_COLUMNS = AUDIT_COLUMNS.filter((c): c is Exclude<typeof c, 'type' | 'data'> => c !== 'type' && c !== 'data');

type WrongCodeValues = { attemptId: string; maxFailedAttempts: number; now: Date; failedType: 'sign_in_failed' | 'email_change_failed' } & Prefixed<'audit', Omit<AuditRow, 'type' | 'data'>> &
  ChargeValues<WrongCodeCharge>;

const wrongCodeStatement = compiledStatement((db, slot: SlotOf<WrongCodeValues>) => {
  const now = slot('now');
  const counted = db
    .updateTable('sign_in_attempts')
    .set({
      failed_count: sql`failed_count + 1`,
      voided_at: sql`case when failed_count + 1 >= ${slot('maxFailedAttempts')} then ${now}::timestamptz end`,
    })
    .where('id', '=', slot('attemptId'))
    .where('consumed_at', 'is', null)
    .where('voided_at', 'is', null)
    .returning(['failed_count', sql<boolean>`voided_at is not null`.as('voided')]);
  const audit = {
    ...slotRow(slot, 'audit', WRONG_CODE_AUDIT_COLUMNS),
    type: sql`case when counted.voided then 'attempt_voided' else ${slot('failedType')}::text end`,
    data: sql`jsonb_build_object('failedCount', counted.failed_count)`,
  };
  return sql<{ voided: boolean }>`
    with counted as (${counted}),
      charged as (${wrongCodeCharge(slot)}),
      audit as (${insertForEach('counted', 'audit_events', audit)})
    select voided from counted`;
});

/**
 * Counts a wrong code against the attempt (voiding it at the limit) and the email's limits, with
 * its audit row, in one statement. Sign-ins and email changes share it (the row's type says which).
 */
export async function recordWrongCode(
  db: Executor,
  deps: AuthDeps,
  attempt: Attempt,
  meta: RequestMeta,
  now: Date,
): Promise<Failure<'invalid_or_expired_code' | 'too_many_attempts'>> {
  const { type: _type, data: _data, ...audit } = auditRow({ type: 'sign_in_failed', subjectUserId: attempt.userId, email: attempt.email, meta, at: now });
  const rows = await wrongCodeStatement(db, 'wrong-code', {
    ...wrongCodeChargeValues(deps, attempt.email, now),
    attemptId: attempt.id,
    maxFailedAttempts: deps.options.code.maxFailedAttempts,
    now,
    failedType: attempt.kind === 'email_change' ? 'email_change_failed' : 'sign_in_failed',
    ...rowValues('audit', audit),
  });
  // No row: a concurrent wrong code voided the attempt first.
  return fail(rows[0]?.voided === false ? 'invalid_or_expired_code' : 'too_many_attempts');
}
