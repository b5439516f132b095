import type { Database, SignInAttemptsTable } from '@app/db';
import { type Selectable, sql } from 'kysely';
import { AUDIT_COLUMNS, auditRow } from '../audit/audit';
import { parseEmail } from '../email-address';
import { checkLimits, checkLimitsAndRead, type LimitRead } from '../limits/rate-limit';
import { verifyChecks, wrongCodeCharge } from '../limits/sign-in-limits';
import type { AuthDeps, RequestMeta } from '../options';
import { fail, type Failure } from '../reasons';
import { invalidateSessionToken, newSession, SESSION_COLUMNS } from '../sessions/session';
import { compiledStatement, rowValues, slotRow } from '../sql/compiled-statement';
import { insertForEach } from '../sql/insert-for-each';
import { parseTimezone } from '../timezone';
import { parseToken, secretMatches } from '../tokens';
import { type Executor, type User, userRowToUser } from '../users/user';
import { codeMatchesAny, normalizeCode } from './code';

export interface VerifyCodeInput {
  email: unknown;
  code: unknown;
  timezone: unknown;
  attemptToken: string | undefined;
  /** The browser's current session cookie, dropped on success (no session fixation). */
  sessionToken: string | undefined;
  meta: RequestMeta;
}

export type VerifyCodeResult =
  | { ok: true; user: User; session: { token: string; expiresAt: Date; absoluteExpiresAt: Date } }
  | Failure<'invalid_or_expired_code' | 'too_many_attempts' | 'invalid_timezone' | 'rate_limited'>;

/**
 * Redeems a code. Wrong, expired, used and other-browser codes all give the same answer. The
 * attempt is claimed by one conditional update, so two verifies of one code make one session.
 *
 * Two statements on the usual path (the limits with the attempt and its live codes, then the claim,
 * sign-in, session and audit row written together); see docs/performance.md.
 */
export async function verifyCode(db: Database, deps: AuthDeps, input: VerifyCodeInput): Promise<VerifyCodeResult> {
  const timezone = parseTimezone(input.timezone);
  if (!timezone.ok) return timezone;
  const now = deps.now();
  const email = parseEmail(input.email);
  const code = normalizeCode(input.code);
  const token = parseToken(input.attemptToken);
  const wellFormed = email.ok && code !== null && token !== null;
  // Every verify counts against the client's network, whatever it carries; the attempt is read in
  // the same statement.
  const checks = verifyChecks(deps, input.meta.ip, wellFormed ? email.email : null);
  if (!wellFormed) {
    const admitted = await checkLimits(db, checks, now);
    return admitted.ok ? fail('invalid_or_expired_code') : fail('rate_limited', admitted.retryAfterSeconds);
  }
  const { decision, rows } = await checkLimitsAndRead<AttemptRow>(db, checks, now, attemptWithCodes(db, deps, token.id, now));
  if (!decision.ok) return fail('rate_limited', decision.retryAfterSeconds);
  const attempt = attemptFrom(rows);
  if (
    !attempt ||
    !secretMatches(token.secret, attempt.secretHash) ||
    attempt.email !== email.email ||
    attempt.consumedAt !== null ||
    attempt.expiresAt <= now
  ) {
    return fail('invalid_or_expired_code');
  }
  if (attempt.voidedAt !== null) return fail('too_many_attempts');

  const { options } = deps;
  const digits = new RegExp(`^\\d{${options.code.length}}$`).test(code);
  if (!digits || !codeMatchesAny(options.secret, attempt.id, code, attempt.codeHashes)) {
    return recordWrongCode(db, deps, attempt, input.meta, now);
  }

  const userId = attempt.userId ?? (attempt.kind === 'sign_up' ? await signUp(db, attempt.email, now) : null);
  if (userId === null) return fail('invalid_or_expired_code');
  const result = await signIn(db, deps, { attempt, userId, timezone: timezone.timezone, meta: input.meta, now });
  if (result.ok) {
    if (input.sessionToken) await invalidateSessionToken(db, input.sessionToken);
    deps.log({ event: 'user signed in via code', userId: result.user.id, email: result.user.email, ip: input.meta.ip });
  }
  return result;
}

const attemptColumns = ['id', 'kind', 'secret_hash', 'email', 'user_id', 'expires_at', 'voided_at', 'consumed_at', 'code_hash'] as const;

/** The attempt with the hashes of its most recent live codes: one row per code (at least one). */
function attemptWithCodes(db: Executor, deps: AuthDeps, id: string, now: Date): LimitRead<AttemptRow> {
  return {
    name: 'attempt-with-codes',
    sql: (slot) =>
      db
        .selectFrom('sign_in_attempts as a')
        .leftJoinLateral(
          (eb) =>
            eb
              .selectFrom('sign_in_codes')
              .select('code_hash')
              .whereRef('attempt_id', '=', 'a.id')
              .where('expires_at', '>', slot<Date>('now'))
              .orderBy('id', 'desc')
              .limit(slot<number>('validCodes'))
              .as('c'),
          (join) => join.onTrue(),
        )
        .select(attemptColumns.map((c) => (c === 'code_hash' ? 'c.code_hash' : (`a.${c}` as const))))
        .where('a.id', '=', slot<string>('attemptId')),
    values: { now, validCodes: deps.options.code.validCodesPerAttempt, attemptId: id },
    columns: attemptColumns,
  };
}

type AttemptRow = Pick<Selectable<SignInAttemptsTable>, Exclude<(typeof attemptColumns)[number], 'code_hash'>> & { code_hash: Uint8Array | null };

type Attempt = NonNullable<ReturnType<typeof attemptFrom>>;

function attemptFrom(rows: AttemptRow[]) {
  const [first] = rows;
  if (!first) return null;
  return {
    id: first.id,
    kind: first.kind,
    secretHash: first.secret_hash,
    email: first.email,
    userId: first.user_id,
    expiresAt: first.expires_at,
    voidedAt: first.voided_at,
    consumedAt: first.consumed_at,
    codeHashes: rows.flatMap((r) => (r.code_hash ? [r.code_hash] : [])),
  };
}

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

async function signIn(
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
async function recordWrongCode(db: Executor, deps: AuthDeps, attempt: Attempt, meta: RequestMeta, now: Date): Promise<VerifyCodeResult> {
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
