import type { AuthDeps } from '../options';
import type { LimitCheck } from './rate-limit';
import { codeEmailChecks, codeNetworkChecks } from './sign-in-limits';

/*
 * The email-change door's limits, asked in this order: the client's network (as for a sign-in
 * code), the user's own
 *   change-cooldown:<userId>  one change request per resend cooldown (default 60 s)
 *   change:<userId>           change requests per hour (AUTH_LIMIT_CODES_PER_EMAIL, 5)
 * so one account cannot spray codes across many new addresses, then the new address's, with the
 * sign-in door's keys (code-cooldown, code, code-inbox): a code or notice sent to an address spends
 * its allowance whichever door sent it. Confirming uses the sign-in door's verify checks for the
 * new address (verifyChecks), so a guess there spends the same wrong-code allowance as at sign-in.
 */
export function emailChangeRequestChecks(deps: AuthDeps, ip: string | null, userId: string, newEmail: string): LimitCheck[] {
  const { code, limits } = deps.options;
  const cooldown: LimitCheck[] =
    code.resendCooldownSeconds > 0 ? [{ key: `change-cooldown:${userId}`, rule: { limit: 1, windowSeconds: code.resendCooldownSeconds }, mode: 'consume' }] : [];
  return [
    ...codeNetworkChecks(deps, ip),
    ...cooldown,
    { key: `change:${userId}`, rule: limits.codesPerEmail, mode: 'consume' },
    ...codeEmailChecks(deps, newEmail),
  ];
}
