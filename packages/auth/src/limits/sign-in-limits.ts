import type { AuthDeps } from '../options';
import type { Executor } from '../users/user';
import { limitNetwork } from './client-ip';
import { chargeStatement, checkLimits, type LimitCheck, type LimitDecision } from './rate-limit';

/*
 * The sign-in door's limits, by key:
 *   code-ip:<network>      code requests per hour from one IPv4 address or IPv6 /64 (30)
 *   code-cooldown:<email>  one code per resend cooldown (default 60 s)
 *   code:<email>           codes per hour (5)
 *   verify-ip:<network>    verifies per 10 minutes from one network (60)
 *   wrong:<email>          wrong codes per hour across all attempts (10); a new code does not reset it
 *   wrong-day:<email>      wrong codes per day across all attempts (20)
 * Each door asks its limits in one statement, the network's first: a refused network spends nothing else.
 */

function networkCheck(key: 'code-ip' | 'verify-ip', ip: string | null, rule: LimitCheck['rule']): LimitCheck[] {
  const network = limitNetwork(ip);
  return network ? [{ key: `${key}:${network}`, rule, mode: 'consume' }] : [];
}

/**
 * Counts a code request against the client's network, then the email's cooldown and hourly
 * allowance. `email` is null for a request that will send nothing (only the network counts).
 */
export function admitCodeRequest(db: Executor, deps: AuthDeps, ip: string | null, email: string | null, now: Date): Promise<LimitDecision> {
  const { code, limits } = deps.options;
  const forEmail: LimitCheck[] = email ? [{ key: `code:${email}`, rule: limits.codesPerEmail, mode: 'consume' }] : [];
  if (email && code.resendCooldownSeconds > 0) {
    forEmail.unshift({ key: `code-cooldown:${email}`, rule: { limit: 1, windowSeconds: code.resendCooldownSeconds }, mode: 'consume' });
  }
  return checkLimits(db, [...networkCheck('code-ip', ip, limits.codesPerIp), ...forEmail], now);
}

/**
 * Counts a verify against the client's network (every verify, whatever it carries), then refuses it
 * if the email has had too many wrong codes lately (this hour or this day). `email` is null when the
 * request names none that parses.
 */
export function admitVerify(db: Executor, deps: AuthDeps, ip: string | null, email: string | null, now: Date): Promise<LimitDecision> {
  const { limits } = deps.options;
  const wrongCodes: LimitCheck[] = email
    ? [
        { key: `wrong:${email}`, rule: limits.wrongCodesPerEmail, mode: 'peek' },
        { key: `wrong-day:${email}`, rule: limits.wrongCodesPerEmailPerDay, mode: 'peek' },
      ]
    : [];
  return checkLimits(db, [...networkCheck('verify-ip', ip, limits.verifiesPerIp), ...wrongCodes], now);
}

/** The statement that records a wrong code against the email, hourly and daily. */
export function wrongCodeCharge(deps: AuthDeps, email: string, now: Date) {
  const { wrongCodesPerEmail, wrongCodesPerEmailPerDay } = deps.options.limits;
  return chargeStatement(
    [
      { key: `wrong:${email}`, rule: wrongCodesPerEmail },
      { key: `wrong-day:${email}`, rule: wrongCodesPerEmailPerDay },
    ],
    now,
  );
}
