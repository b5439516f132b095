import type { Database } from '@app/db';
import { parseEmail } from '../email-address';
import { checkLimits, checkLimitsAndRead } from '../limits/rate-limit';
import { verifyChecks } from '../limits/sign-in-limits';
import type { AuthDeps, RequestMeta } from '../options';
import { fail, failBecause, type Failure } from '../reasons';
import { parseTimezone } from '../timezone';
import { parseToken, secretMatches } from '../tokens';
import { attemptFrom, attemptRefusal, attemptWithCodes, codeRedeems } from './attempt';
import { normalizeCode } from './code';
import { recordWrongCode, redeemAttempt, type SignedIn } from './redeem-attempt';

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
  | SignedIn
  | Failure<'invalid_or_expired_code' | 'too_many_attempts' | 'invalid_timezone' | 'rate_limited'>;

/**
 * Redeems a code. Wrong, expired, used and other-browser codes all give the same answer. The
 * attempt is claimed by one conditional update, so two verifies of one code make one session.
 *
 * The limits are asked in the statement that reads the attempt and its live codes, and the claim,
 * sign-in, session and audit row are written together; the statement counts are in
 * docs/performance.md.
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
    const malformed = !email.ok ? 'malformed email' : code === null ? 'malformed code' : input.attemptToken ? 'malformed attempt cookie' : 'no attempt cookie';
    return admitted.ok ? failBecause('invalid_or_expired_code', malformed) : fail('rate_limited', admitted.retryAfterSeconds);
  }
  const { decision, rows } = await checkLimitsAndRead(db, checks, now, attemptWithCodes(db, deps, token.id, now));
  if (!decision.ok) return fail('rate_limited', decision.retryAfterSeconds);
  const attempt = attemptFrom(rows);
  // A cookie naming no attempt, or another attempt's secret or email: not this browser's attempt.
  if (!attempt) return failBecause('invalid_or_expired_code', 'unknown attempt');
  // An email change's attempt has no cookie (its secret was never given out); refused here all the same.
  if (!secretMatches(token.secret, attempt.secretHash) || attempt.email !== email.email || attempt.kind === 'email_change') {
    return failBecause('invalid_or_expired_code', 'foreign attempt');
  }
  const refusal = attemptRefusal(attempt, now);
  if (refusal) return refusal;
  if (!codeRedeems(deps, attempt, code)) return recordWrongCode(db, deps, attempt, input.meta, now);

  const result = await redeemAttempt(db, deps, { attempt, method: 'email_code', timezone: timezone.timezone, sessionToken: input.sessionToken, meta: input.meta, now });
  return result.ok ? result : failBecause('invalid_or_expired_code', result.detail);
}
