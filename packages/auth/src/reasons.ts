/**
 * Every machine-readable reason a rule of the product can fail with. Reasons that belong to the
 * transport (a refused cross-site request, the database away, a crash) are the API's, in
 * apps/api/src/errors.ts; `bad_request` is both (a malformed cursor here, malformed JSON there).
 */
export const DOMAIN_REASONS = [
  'missing_email',
  'invalid_email',
  'not_registered',
  'invalid_or_expired_code',
  'too_many_attempts',
  'invalid_timezone',
  'rate_limited',
  'unauthenticated',
  'forbidden',
  'bad_request',
  'not_found',
  'last_admin',
  'already_exists',
  'wrong_browser',
  'invalid_or_expired_link',
  'same_email',
  'email_undeliverable',
  'reactivation_failed',
] as const;

export type DomainReason = (typeof DOMAIN_REASONS)[number];

/** An expected failure, returned as a value (never thrown). */
export interface Failure<R extends DomainReason = DomainReason> {
  ok: false;
  reason: R;
  retryAfterSeconds?: number;
  /** What lay behind the reason, for the operator's log only: one answer to clients hides it. */
  detail?: string;
}

export function fail<R extends DomainReason>(reason: R, retryAfterSeconds?: number): Failure<R> {
  return retryAfterSeconds === undefined ? { ok: false, reason } : { ok: false, reason, retryAfterSeconds };
}

/** A failure whose cause the client must not learn, with that cause for the log. */
export function failBecause<R extends DomainReason>(reason: R, detail: string): Failure<R> {
  return { ok: false, reason, detail };
}
