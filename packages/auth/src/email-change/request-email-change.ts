import type { Database } from '@app/db';
import { generateCode } from '../codes/code';
import { type Issue, writeCode } from '../codes/write-code';
import { parseEmail } from '../email-address';
import { emailChangeCodeEmail } from '../emails/email-change-code-email';
import { emailInUseEmail } from '../emails/email-in-use-email';
import { emailChangeRequestChecks } from '../limits/email-change-limits';
import { checkLimitsAndRead } from '../limits/rate-limit';
import { addSeconds, type AuthDeps, type RequestMeta } from '../options';
import { fail, type Failure } from '../reasons';
import type { User } from '../users/user';
import { changeTarget } from './pending-change';

export interface RequestEmailChangeInput {
  user: Pick<User, 'id' | 'email'>;
  /** The session asking: the code works only there. */
  sessionId: string;
  newEmail: unknown;
  meta: RequestMeta;
}

export type RequestEmailChangeResult =
  | { ok: true; email: string; codeLength: number; expiresInSeconds: number; resendAfterSeconds: number }
  | Failure<'missing_email' | 'invalid_email' | 'same_email' | 'rate_limited' | 'email_undeliverable'>;

/**
 * Sends a code to the address a signed-in person wants to move their account to; the code works
 * only in the session that asked, and only once. An address that already has an account gets the
 * same answer (no probing) and, instead of a code, an email telling its owner someone tried; a
 * code typed for it then fails as a wrong one. A resend to the same address renews the change, and
 * its recent codes stay valid, as at sign-in.
 *
 * Two statements whether the address is free or taken: the limits with the read, then the attempt,
 * code, email and audit row together (writeCode).
 */
export async function requestEmailChange(db: Database, deps: AuthDeps, input: RequestEmailChangeInput): Promise<RequestEmailChangeResult> {
  const parsed = parseEmail(input.newEmail);
  if (!parsed.ok) return parsed;
  const { email } = parsed;
  if (email === input.user.email) return fail('same_email');
  const { options } = deps;
  const now = deps.now();

  const checks = emailChangeRequestChecks(deps, input.meta.ip, input.user.id, email);
  const { decision, rows } = await checkLimitsAndRead(db, checks, now, changeTarget(db, input.sessionId, email, now));
  if (!decision.ok) return fail('rate_limited', decision.retryAfterSeconds);
  const [target] = rows;
  if (!target) throw new Error('the email change target read returned no row');
  // As at the sign-in door: where addresses may be revealed, a suppressed one is said to be (its
  // code would never arrive); otherwise the answer is the same, and the email fails at send.
  if (options.revealUnregistered && target.suppressed) return fail('email_undeliverable');

  const code = generateCode(deps.randomBytes, options.code.length);
  const message: NonNullable<Issue['message']> = target.taken
    ? // Filed under nobody: its bounces and complaints are the other account's address's, not this user's.
      { kind: 'email_in_use', content: emailInUseEmail({ appName: options.appName, appUrl: options.appUrl }), userId: null }
    : { kind: 'email_change_code', content: emailChangeCodeEmail({ appName: options.appName, code, ttlSeconds: options.code.ttlSeconds }) };
  const issue = {
    input: { email, attemptToken: undefined, meta: input.meta },
    email,
    kind: 'email_change',
    userId: input.user.id,
    subjectUserId: input.user.id,
    // Reached only when addresses are not revealed: its email is queued and fails at send, as any would.
    suppressed: false,
    // A taken address's attempt stores a code too (that nobody is sent), so both do the same work.
    code,
    // No one-click link: the change is confirmed by typing the code on the account page.
    linkToken: null,
    now,
    expiresAt: addSeconds(now, options.code.ttlSeconds),
    sessionId: input.sessionId,
    message,
    auditData: { inUse: target.taken },
  } satisfies Omit<Issue, 'attempt'>;
  // The renewed attempt has no cookie: its token is never given out.
  const renewed = target.renewable_id !== null && (await writeCode(db, deps, { ...issue, attempt: { id: target.renewable_id, token: '' } }));
  const written = renewed || (await writeCode(db, deps, { ...issue, attempt: null }));
  if (!written) throw new Error('a new email change attempt was not written');
  return { ok: true, email, codeLength: written.codeLength, expiresInSeconds: written.expiresInSeconds, resendAfterSeconds: written.resendAfterSeconds };
}
