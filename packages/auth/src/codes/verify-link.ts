import type { Database } from '@app/db';
import { checkLimits, checkLimitsAndRead } from '../limits/rate-limit';
import { verifyChecks } from '../limits/sign-in-limits';
import type { AuthDeps, RequestMeta } from '../options';
import { fail, failBecause, type Failure } from '../reasons';
import { parseTimezone } from '../timezone';
import { parseToken, secretMatches } from '../tokens';
import { attemptByLink, attemptFrom, attemptRefusal } from './attempt';
import { hashLinkToken, parseLinkToken } from './link';
import { redeemAttempt, type SignedIn } from './redeem-attempt';

export interface VerifyLinkInput {
  /** The token from the link's fragment. */
  token: unknown;
  timezone: unknown;
  /** The browser's sign-in-attempt cookie, if it has one: the link works only beside it. */
  attemptToken: string | undefined;
  /** The browser's current session cookie, dropped on success (no session fixation). */
  sessionToken: string | undefined;
  meta: RequestMeta;
}

export type VerifyLinkResult =
  | SignedIn
  | Failure<'not_found' | 'invalid_or_expired_link' | 'wrong_browser' | 'too_many_attempts' | 'invalid_timezone' | 'rate_limited'>;

/**
 * Redeems the one-click link sent with a code: the same sign-in as `verifyCode`, consuming the
 * attempt (so its codes and other links with it). The link is found by its token, then must be
 * opened beside the attempt's cookie: in any other browser (a phone's mail app, a link scanner
 * running the page) the answer is `wrong_browser` and nothing is consumed or counted as a wrong
 * guess. Every call counts against the client's network, as a verify does; the per-email
 * wrong-code limits are not asked, since they bound guessing a short code and a 160-bit token
 * cannot be guessed.
 *
 * The limit is asked in the statement that finds the link's attempt, and the sign-in is written
 * by the statement `verifyCode` uses; the statement counts are in docs/performance.md.
 */
export async function verifyLink(db: Database, deps: AuthDeps, input: VerifyLinkInput): Promise<VerifyLinkResult> {
  if (!deps.options.emailLink) return fail('not_found');
  const timezone = parseTimezone(input.timezone);
  if (!timezone.ok) return timezone;
  const now = deps.now();
  const token = parseLinkToken(input.token);
  const checks = verifyChecks(deps, input.meta.ip, null);
  if (token === null) {
    const admitted = await checkLimits(db, checks, now);
    return admitted.ok ? failBecause('invalid_or_expired_link', 'malformed link token') : fail('rate_limited', admitted.retryAfterSeconds);
  }
  const linkHash = hashLinkToken(deps.options.secret, token);
  const { decision, rows } = await checkLimitsAndRead(db, checks, now, attemptByLink(db, deps, linkHash, now));
  if (!decision.ok) return fail('rate_limited', decision.retryAfterSeconds);
  const attempt = attemptFrom(rows);
  // Whether the link still works is told before whether this is its browser: a person who opens
  // a dead link on their phone should learn that, not be sent to another browser for nothing.
  if (!attempt) return failBecause('invalid_or_expired_link', 'unknown or expired link');
  const refusal = attemptRefusal(attempt, now, 'invalid_or_expired_link');
  if (refusal) return refusal;
  const cookie = parseToken(input.attemptToken);
  if (!cookie || cookie.id !== attempt.id || !secretMatches(cookie.secret, attempt.secretHash)) {
    return failBecause('wrong_browser', cookie ? 'another attempt cookie' : input.attemptToken ? 'malformed attempt cookie' : 'no attempt cookie');
  }

  const result = await redeemAttempt(db, deps, { attempt, method: 'email_link', timezone: timezone.timezone, sessionToken: input.sessionToken, meta: input.meta, now });
  return result.ok ? result : failBecause('invalid_or_expired_link', result.detail);
}
