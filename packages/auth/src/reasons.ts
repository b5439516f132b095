/** Every machine-readable reason an expected failure can carry, across the product. */
export const REASONS = [
  'missing_email',
  'invalid_email',
  'not_registered',
  'invalid_or_expired_code',
  'too_many_attempts',
  'invalid_timezone',
  'rate_limited',
  'unauthenticated',
  'forbidden',
  'csrf_rejected',
  'bad_request',
  'not_found',
  'unavailable',
  'last_admin',
  'already_exists',
] as const;

export type Reason = (typeof REASONS)[number];

/** An expected failure, returned as a value (never thrown). */
export interface Failure<R extends Reason = Reason> {
  ok: false;
  reason: R;
  retryAfterSeconds?: number;
  /** What lay behind the reason, for the operator's log only: one answer to clients hides it. */
  detail?: string;
}

export function fail<R extends Reason>(reason: R, retryAfterSeconds?: number): Failure<R> {
  return retryAfterSeconds === undefined ? { ok: false, reason } : { ok: false, reason, retryAfterSeconds };
}

/** A failure whose cause the client must not learn, with that cause for the log. */
export function failBecause<R extends Reason>(reason: R, detail: string): Failure<R> {
  return { ok: false, reason, detail };
}
