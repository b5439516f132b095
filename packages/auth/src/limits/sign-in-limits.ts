import type { AuthDeps } from '../options';
import type { Executor } from '../users/user';
import { limitNetwork } from './client-ip';
import { chargeLimit, consumeLimit, type LimitDecision, type LimitRule, peekLimit } from './rate-limit';

/*
 * The sign-in door's limits, by key:
 *   code-cooldown:<email>  one code per resend cooldown (default 60 s)
 *   code:<email>           codes per hour (5)
 *   code-ip:<network>      code requests per hour from one IPv4 address or IPv6 /64 (30)
 *   verify-ip:<network>    verifies per 10 minutes from one network (60)
 *   wrong:<email>          wrong codes per hour across all attempts (10); a new code does not reset it
 *   wrong-day:<email>      wrong codes per day across all attempts (20)
 */

const ok: LimitDecision = { ok: true };

async function firstRefusal(checks: Array<() => Promise<LimitDecision>>): Promise<LimitDecision> {
  for (const check of checks) {
    const decision = await check();
    if (!decision.ok) return decision;
  }
  return ok;
}

/** Counts a code request against the client's network; call before any other work. */
export function admitCodeRequestFrom(db: Executor, deps: AuthDeps, ip: string | null, now: Date): Promise<LimitDecision> {
  const network = limitNetwork(ip);
  return network ? consumeLimit(db, `code-ip:${network}`, deps.options.limits.codesPerIp, now) : Promise.resolve(ok);
}

/** Counts a code for an email: the resend cooldown, then the hourly allowance. */
export function admitCodeFor(db: Executor, deps: AuthDeps, email: string, now: Date): Promise<LimitDecision> {
  const cooldown: LimitRule = { limit: 1, windowSeconds: deps.options.code.resendCooldownSeconds };
  return firstRefusal([
    () => (cooldown.windowSeconds > 0 ? consumeLimit(db, `code-cooldown:${email}`, cooldown, now) : Promise.resolve(ok)),
    () => consumeLimit(db, `code:${email}`, deps.options.limits.codesPerEmail, now),
  ]);
}

/** Counts a verify against the client's network. */
export function admitVerifyFrom(db: Executor, deps: AuthDeps, ip: string | null, now: Date): Promise<LimitDecision> {
  const network = limitNetwork(ip);
  return network ? consumeLimit(db, `verify-ip:${network}`, deps.options.limits.verifiesPerIp, now) : Promise.resolve(ok);
}

/** Refuses a verify when the email has had too many wrong codes lately (this hour or this day). */
export function admitVerifyFor(db: Executor, deps: AuthDeps, email: string, now: Date): Promise<LimitDecision> {
  const { wrongCodesPerEmail, wrongCodesPerEmailPerDay } = deps.options.limits;
  return firstRefusal([
    () => peekLimit(db, `wrong:${email}`, wrongCodesPerEmail, now),
    () => peekLimit(db, `wrong-day:${email}`, wrongCodesPerEmailPerDay, now),
  ]);
}

/** Records a wrong code against the email. */
export async function chargeWrongCode(db: Executor, deps: AuthDeps, email: string, now: Date): Promise<void> {
  await chargeLimit(db, `wrong:${email}`, deps.options.limits.wrongCodesPerEmail, now);
  await chargeLimit(db, `wrong-day:${email}`, deps.options.limits.wrongCodesPerEmailPerDay, now);
}
