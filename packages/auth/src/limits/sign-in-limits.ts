import { canonicalMailbox } from '../email-address';
import type { AuthDeps } from '../options';
import { limitNetwork, limitNetwork48 } from './client-ip';
import type { SlotOf } from '../sql/compiled-statement';
import { type ChargeValues, chargeStatement, chargeValues, type Fragment, type LimitCheck } from './rate-limit';

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
export function codeRequestChecks<Values extends object>(deps: AuthDeps, ip: string | null, email: string, forEmailOnlyIf?: Fragment<boolean, Values>): LimitCheck[] {
  return [...codeNetworkChecks(deps, ip), ...codeEmailChecks(deps, email, forEmailOnlyIf)];
}

/** A code request's network checks: the client's address (IPv4, or IPv6 /64) and its IPv6 /48. */
export function codeNetworkChecks(deps: AuthDeps, ip: string | null): LimitCheck[] {
  const { limits } = deps.options;
  const site = limitNetwork48(ip);
  const siteCheck: LimitCheck[] = site ? [{ key: `code-ip48:${site}`, rule: limits.codesPerIpv6Site, mode: 'consume' }] : [];
  return [networkCheck('code-ip', ip, limits.codesPerIp), ...siteCheck];
}

/** A code request's checks for the address it sends to: its cooldown, hourly allowance and inbox. */
export function codeEmailChecks<Values extends object>(deps: AuthDeps, email: string, onlyIf?: Fragment<boolean, Values>): LimitCheck[] {
  const { code, limits } = deps.options;
  const when = onlyIf ? { onlyIf } : {};
  const cooldown: LimitCheck[] =
    code.resendCooldownSeconds > 0
      ? [{ key: `code-cooldown:${email}`, rule: { limit: 1, windowSeconds: code.resendCooldownSeconds }, mode: 'consume', ...when }]
      : [];
  return [
    ...cooldown,
    { key: `code:${email}`, rule: limits.codesPerEmail, mode: 'consume', ...when },
    { key: `code-inbox:${canonicalMailbox(email)}`, rule: limits.codesPerMailbox, mode: 'consume', ...when },
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

/** The email's two wrong-code counts: hourly and daily. */
export type WrongCodeCharge = 'wrong' | 'wrongDay';

/** The statement that records a wrong code against the email (values: `wrongCodeChargeValues`). */
export function wrongCodeCharge<Values extends ChargeValues<WrongCodeCharge>>(slot: SlotOf<Values>) {
  return chargeStatement(slot, ['wrong', 'wrongDay'] as const);
}

export function wrongCodeChargeValues(deps: AuthDeps, email: string, now: Date): ChargeValues<WrongCodeCharge> {
  const { wrongCodesPerEmail, wrongCodesPerEmailPerDay } = deps.options.limits;
  return chargeValues({ wrong: { key: `wrong:${email}`, rule: wrongCodesPerEmail }, wrongDay: { key: `wrong-day:${email}`, rule: wrongCodesPerEmailPerDay } }, now);
}
