import type { Executor, SignInAttemptsTable } from '@app/db';
import type { Selectable } from 'kysely';
import type { LimitRead } from '../limits/rate-limit';
import type { AuthDeps } from '../options';
import { fail, failBecause, type Failure } from '../reasons';
import { codeMatchesAny } from './code';

const attemptColumns = ['id', 'kind', 'secret_hash', 'email', 'user_id', 'expires_at', 'voided_at', 'consumed_at', 'code_hash'] as const;

/** The attempt with the hashes of its most recent live codes: one row per code (at least one). */
export function attemptWithCodes(db: Executor, deps: AuthDeps, id: string, now: Date): LimitRead<AttemptRow, { now: Date; validCodes: number; attemptId: string }> {
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
              .where('expires_at', '>', slot('now'))
              .orderBy('id', 'desc')
              .limit(slot('validCodes'))
              .as('c'),
          (join) => join.onTrue(),
        )
        .select(attemptColumns.map((c) => (c === 'code_hash' ? 'c.code_hash' : (`a.${c}` as const))))
        .where('a.id', '=', slot('attemptId')),
    values: { now, validCodes: deps.options.code.validCodesPerAttempt, attemptId: id },
    columns: attemptColumns,
  };
}

/**
 * The attempt whose code carries this link, if that code is live and among the attempt's most
 * recent live codes (a link stays valid exactly as long as its code).
 */
export function attemptByLink(db: Executor, deps: AuthDeps, linkHash: Uint8Array, now: Date): LimitRead<AttemptRow, { now: Date; validCodes: number; linkHash: Uint8Array }> {
  return {
    name: 'attempt-by-link',
    sql: (slot) =>
      db
        .selectFrom('sign_in_codes as c')
        .innerJoin('sign_in_attempts as a', 'a.id', 'c.attempt_id')
        .select(attemptColumns.map((c) => (c === 'code_hash' ? 'c.code_hash' : (`a.${c}` as const))))
        .where('c.link_hash', '=', slot('linkHash'))
        .where('c.expires_at', '>', slot('now'))
        .where('c.id', 'in', (eb) =>
          eb
            .selectFrom('sign_in_codes as recent')
            .select('recent.id')
            .whereRef('recent.attempt_id', '=', 'c.attempt_id')
            .where('recent.expires_at', '>', slot('now'))
            .orderBy('recent.id', 'desc')
            .limit(slot('validCodes')),
        ),
    values: { now, validCodes: deps.options.code.validCodesPerAttempt, linkHash },
    columns: attemptColumns,
  };
}

export type AttemptRow = Pick<Selectable<SignInAttemptsTable>, Exclude<(typeof attemptColumns)[number], 'code_hash'>> & { code_hash: Uint8Array | null };

export type Attempt = NonNullable<ReturnType<typeof attemptFrom>>;

export function attemptFrom(rows: AttemptRow[]) {
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
 * Why a code (or the link: `dead` is then its reason) cannot redeem this attempt whatever it is
 * (used, expired, voided), or null if it can.
 */
export function attemptRefusal<Dead extends 'invalid_or_expired_code' | 'invalid_or_expired_link' = 'invalid_or_expired_code'>(
  attempt: Attempt,
  now: Date,
  dead: Dead = 'invalid_or_expired_code' as Dead,
): Failure<Dead | 'too_many_attempts'> | null {
  if (attempt.consumedAt !== null) return failBecause(dead, 'attempt already used');
  if (attempt.expiresAt <= now) return failBecause(dead, 'attempt expired');
  if (attempt.voidedAt !== null) return fail('too_many_attempts');
  return null;
}

/** Whether `code` (normalised) is one of the attempt's live codes: right length, digits only, a match. */
export function codeRedeems(deps: AuthDeps, attempt: Attempt, code: string): boolean {
  const { options } = deps;
  const digits = new RegExp(`^\\d{${options.code.length}}$`).test(code);
  return digits && codeMatchesAny(options.secret, attempt.id, code, attempt.codeHashes);
}
