import type { Database, UserStatus } from '@app/db';
import { sql } from 'kysely';
import { recordAudit } from '../audit/audit';
import { parseEmail } from '../email-address';
import type { AuthDeps, RequestMeta } from '../options';
import { fail, type Failure } from '../reasons';
import { createSession, invalidateSessionToken } from '../sessions/session';
import { parseTimezone } from '../timezone';
import { parseToken, secretMatches } from '../tokens';
import { type User, userFields, userRowToUser } from '../users/user';
import { admitVerifyFor, admitVerifyFrom, chargeWrongCode } from '../limits/sign-in-limits';
import type { Executor } from '../users/user';
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
 * attempt row is locked for the whole check, so two verifies of one code make one session.
 */
export async function verifyCode(db: Database, deps: AuthDeps, input: VerifyCodeInput): Promise<VerifyCodeResult> {
  const timezone = parseTimezone(input.timezone);
  if (!timezone.ok) return timezone;
  const { options } = deps;
  // Every verify counts against the client's network, whatever it carries.
  const fromNetwork = await admitVerifyFrom(db, deps, input.meta.ip, deps.now());
  if (!fromNetwork.ok) return fail('rate_limited', fromNetwork.retryAfterSeconds);

  const email = parseEmail(input.email);
  const code = normalizeCode(input.code);
  const token = parseToken(input.attemptToken);
  if (!email.ok || code === null || !token) return fail('invalid_or_expired_code');
  const forEmail = await admitVerifyFor(db, deps, email.email, deps.now());
  if (!forEmail.ok) return fail('rate_limited', forEmail.retryAfterSeconds);

  const result = await db.transaction().execute(async (trx): Promise<VerifyCodeResult> => {
    const now = deps.now();
    const attempt = await trx
      .selectFrom('sign_in_attempts')
      .select(['id', 'kind', 'secret_hash', 'email', 'user_id', 'expires_at', 'failed_count', 'voided_at', 'consumed_at'])
      .where('id', '=', token.id)
      .forUpdate()
      .executeTakeFirst();
    if (
      !attempt ||
      !secretMatches(token.secret, attempt.secret_hash) ||
      attempt.email !== email.email ||
      attempt.consumed_at !== null ||
      attempt.expires_at <= now
    ) {
      return fail('invalid_or_expired_code');
    }
    if (attempt.voided_at !== null) return fail('too_many_attempts');

    const codes = await trx
      .selectFrom('sign_in_codes')
      .select('code_hash')
      .where('attempt_id', '=', attempt.id)
      .where('expires_at', '>', now)
      .orderBy('id', 'desc')
      .limit(options.code.validCodesPerAttempt)
      .execute();
    const wellFormed = new RegExp(`^\\d{${options.code.length}}$`).test(code);
    const matched = wellFormed && codeMatchesAny(options.secret, attempt.id, code, codes.map((c) => c.code_hash));

    if (!matched) {
      await chargeWrongCode(trx, deps, attempt.email, now);
      const failedCount = attempt.failed_count + 1;
      const voided = failedCount >= options.code.maxFailedAttempts;
      await trx
        .updateTable('sign_in_attempts')
        .set({ failed_count: failedCount, voided_at: voided ? now : null })
        .where('id', '=', attempt.id)
        .execute();
      await recordAudit(trx, {
        type: voided ? 'attempt_voided' : 'sign_in_failed',
        subjectUserId: attempt.user_id,
        email: attempt.email,
        meta: input.meta,
        data: { failedCount },
        at: now,
      });
      return fail(voided ? 'too_many_attempts' : 'invalid_or_expired_code');
    }

    await trx.updateTable('sign_in_attempts').set({ consumed_at: now }).where('id', '=', attempt.id).execute();
    const userId = attempt.user_id ?? (attempt.kind === 'sign_up' ? await signUp(trx, attempt.email, now) : null);
    if (userId === null) return fail('invalid_or_expired_code');
    const userRow = await trx
      .updateTable('users')
      .set({
        // An invited user becomes active on their first sign-in.
        status: sql<UserStatus>`case when status = 'invited' then 'active' else status end`,
        activated_at: sql<Date>`coalesce(activated_at, ${now})`,
        last_sign_in_at: now,
        timezone: timezone.timezone,
        updated_at: now,
      })
      .where('id', '=', userId)
      .where('status', '!=', 'deactivated')
      .returning(userFields)
      .executeTakeFirst();
    if (!userRow) return fail('invalid_or_expired_code');

    if (input.sessionToken) await invalidateSessionToken(trx, input.sessionToken);
    const session = await createSession(trx, deps, userId, input.meta);
    await recordAudit(trx, {
      type: 'sign_in_succeeded',
      actorUserId: userId,
      subjectUserId: userId,
      email: attempt.email,
      meta: input.meta,
      data: { method: 'email_code', signUp: attempt.kind === 'sign_up' },
      at: now,
    });
    return {
      ok: true,
      user: userRowToUser(userRow),
      session: { token: session.token, expiresAt: session.session.expiresAt, absoluteExpiresAt: session.session.absoluteExpiresAt },
    };
  });

  if (result.ok) {
    deps.log({ event: 'user signed in via code', userId: result.user.id, email: result.user.email, ip: input.meta.ip });
  }
  return result;
}

/** Open sign-up: the user row is created only now that the code verified (no pending rows pile up). */
async function signUp(trx: Executor, email: string, now: Date): Promise<string> {
  await trx
    .insertInto('users')
    .values({ email, role: 'user', created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute();
  const row = await trx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow();
  return row.id;
}
