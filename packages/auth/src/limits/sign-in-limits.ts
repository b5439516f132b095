import { canonicalMailbox } from '../email-address';
import type { AuthDeps } from '../options';
import { limitNetwork, limitNetwork48 } from './client-ip';
import { chargeStatement, type Fragment, type LimitCheck } from './rate-limit';

/*
 * The sign-in door's limits, by key:
 *   code-ip:<network>      code requests per hour from one IPv4 address or IPv6 /64 (30)
 *   code-ip48:<network>    code requests per hour from one IPv6 /48 (100)
 *   code-cooldown:<email>  one code per resend cooldown (default 60 s)
 *   code:<email>           codes per hour (5)
 *   code-inbox:<mailbox>   codes per hour to one inbox, +tags and Gmail dots ignored (5)
 *   verify-ip:<network>    verifies per 10 minutes from one network (60)
 *   wrong:<email>          wrong codes per hour across all attempts (10); a new code does not reset it
 *   wrong-day:<email>      wrong codes per day across all attempts (20)
 * Each door asks its limits in one statement (with its first read), the network's first: a refused
 * network spends nothing else.
 */

function networkCheck(key: 'code-ip' | 'verify-ip', ip: string | null, rule: LimitCheck['rule']): LimitCheck {
  return { key: `${key}:${limitNetwork(ip)}`, rule, mode: 'consume' };
}

/**
 * A code request's checks: the client's network (and its IPv6 /48), then the email's cooldown and
 * hourly allowance, then its inbox's. `forEmailOnlyIf` is an SQL condition for the email's checks
 * to apply (a request that sends nothing need not spend them).
 */
export function codeRequestChecks(deps: AuthDeps, ip: string | null, email: string, forEmailOnlyIf?: Fragment<boolean>): LimitCheck[] {
  const { code, limits } = deps.options;
  const onlyIf = forEmailOnlyIf ? { onlyIf: forEmailOnlyIf } : {};
  const site = limitNetwork48(ip);
  const siteCheck: LimitCheck[] = site ? [{ key: `code-ip48:${site}`, rule: limits.codesPerIpv6Site, mode: 'consume' }] : [];
  const cooldown: LimitCheck[] =
    code.resendCooldownSeconds > 0
      ? [{ key: `code-cooldown:${email}`, rule: { limit: 1, windowSeconds: code.resendCooldownSeconds }, mode: 'consume', ...onlyIf }]
      : [];
  return [
    networkCheck('code-ip', ip, limits.codesPerIp),
    ...siteCheck,
    ...cooldown,
    { key: `code:${email}`, rule: limits.codesPerEmail, mode: 'consume', ...onlyIf },
    { key: `code-inbox:${canonicalMailbox(email)}`, rule: limits.codesPerMailbox, mode: 'consume', ...onlyIf },
  ];
}

/**
 * A verify's checks: the client's network (every verify counts, whatever it carries), then whether
 * the email has had too many wrong codes lately (this hour or this day), if the request names one.
 */
export function verifyChecks(deps: AuthDeps, ip: string | null, email: string | null): LimitCheck[] {
  const { limits } = deps.options;
  const wrongCodes: LimitCheck[] = email
    ? [
        { key: `wrong:${email}`, rule: limits.wrongCodesPerEmail, mode: 'peek' },
        { key: `wrong-day:${email}`, rule: limits.wrongCodesPerEmailPerDay, mode: 'peek' },
      ]
    : [];
  return [networkCheck('verify-ip', ip, limits.verifiesPerIp), ...wrongCodes];
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
