import { type Database, isUniqueViolation } from '@app/db';
import { recordAudit } from '../audit/audit';
import { type Attempt, attemptFrom, attemptRefusal, attemptWithCodes, codeRedeems } from '../codes/attempt';
import { normalizeCode } from '../codes/code';
import { recordWrongCode } from '../codes/redeem-attempt';
import { enqueueEmail } from '../delivery/outbox';
import { emailChangedEmail } from '../emails/email-changed-email';
import { checkLimits, checkLimitsAndRead } from '../limits/rate-limit';
import { verifyChecks } from '../limits/sign-in-limits';
import { addSeconds, type AuthDeps, type RequestMeta } from '../options';
import { fail, failBecause, type Failure } from '../reasons';
import { describeDevice } from '../sessions/device';
import { type User, userFields, userRowToUser } from '../users/user';
import { applyEmailChange } from './apply-email-change';
import { findPendingChange } from './pending-change';

/** A notice that cannot be delivered in a week is stale (as an invitation is). */
export const NOTICE_DELIVERY_SECONDS = 7 * 86_400;

export interface ConfirmEmailChangeInput {
  user: Pick<User, 'id'>;
  sessionId: string;
  code: unknown;
  meta: RequestMeta;
}

export type ConfirmEmailChangeResult = { ok: true; user: User } | Failure<'invalid_or_expired_code' | 'too_many_attempts' | 'rate_limited'>;

/**
 * Redeems the code of the session's email change: the account takes the new address, every other
 * session of it ends, the old address is told (when, from which device, whom to ask if it was not
 * them) and the audit log gets `email_changed`, all in one transaction. Wrong, expired and used
 * codes, a code from another session, and any code for an address that belongs to another account
 * (taken before the request or since) give the same answer, and count as wrong codes, as at sign-in.
 */
export async function confirmEmailChange(db: Database, deps: AuthDeps, input: ConfirmEmailChangeInput): Promise<ConfirmEmailChangeResult> {
  const now = deps.now();
  const code = normalizeCode(input.code);
  const pending = code === null ? null : await findPendingChange(db, input.sessionId);
  // Every confirm counts against the client's network; the new address's wrong codes are checked
  // (and the attempt read) in the same statement, as a sign-in's verify does.
  const checks = verifyChecks(deps, input.meta.ip, pending?.email ?? null);
  if (code === null || pending === null) {
    const admitted = await checkLimits(db, checks, now);
    return admitted.ok ? failBecause('invalid_or_expired_code', code === null ? 'malformed code' : 'no email change pending') : fail('rate_limited', admitted.retryAfterSeconds);
  }
  const { decision, rows } = await checkLimitsAndRead(db, checks, now, attemptWithCodes(db, deps, pending.id, now));
  if (!decision.ok) return fail('rate_limited', decision.retryAfterSeconds);
  const attempt = attemptFrom(rows);
  if (!attempt || attempt.kind !== 'email_change' || attempt.userId !== input.user.id) return failBecause('invalid_or_expired_code', 'unknown attempt');
  const refusal = attemptRefusal(attempt, now);
  if (refusal) return refusal;
  if (!codeRedeems(deps, attempt, code)) return recordWrongCode(db, deps, attempt, input.meta, now);

  const changed = await changeOwnEmail(db, deps, { attempt, sessionId: input.sessionId, meta: input.meta, now });
  if (changed !== 'taken') return changed;
  // The right code for an address someone else has: the same answer and cost as a wrong code.
  const wrong = await recordWrongCode(db, deps, attempt, input.meta, now);
  return wrong.reason === 'invalid_or_expired_code' ? failBecause(wrong.reason, 'address taken') : wrong;
}

/** Thrown inside the transaction to roll back the claim when the address turns out to be taken. */
class AddressTaken extends Error {}

async function changeOwnEmail(
  db: Database,
  deps: AuthDeps,
  change: { attempt: Attempt; sessionId: string; meta: RequestMeta; now: Date },
): Promise<{ ok: true; user: User } | Failure<'invalid_or_expired_code'> | 'taken'> {
  const { attempt, meta, now } = change;
  try {
    return await db.transaction().execute(async (trx) => {
      // The user's row first, then the attempt: admin writes lock users before the attempts their
      // session deletions cascade to, and a sign-in waiting on this row sees the new address.
      const user = await trx.selectFrom('users').select(userFields).where('id', '=', attempt.userId!).forUpdate().executeTakeFirst();
      if (!user || user.status === 'deactivated') return failBecause('invalid_or_expired_code', 'user deactivated or removed');
      const claimed = await trx
        .updateTable('sign_in_attempts')
        .set({ consumed_at: now })
        .where('id', '=', attempt.id)
        .where('consumed_at', 'is', null)
        .where('voided_at', 'is', null)
        .where('expires_at', '>', now)
        .returning('id')
        .executeTakeFirst();
      if (!claimed) return failBecause('invalid_or_expired_code', 'attempt already used');
      const applied = await applyEmailChange(trx, { userId: user.id, to: attempt.email, keepSessionId: change.sessionId, now });
      if (!applied) throw new AddressTaken();
      await recordAudit(trx, {
        type: 'email_changed',
        actorUserId: user.id,
        subjectUserId: user.id,
        email: user.email,
        meta,
        data: { from: user.email, to: attempt.email, by: 'self', sessionsEnded: applied.sessionsEnded },
        at: now,
      });
      await enqueueEmail(trx, {
        kind: 'email_changed',
        recipient: user.email,
        userId: user.id,
        content: emailChangedEmail({ appName: deps.options.appName, newEmail: attempt.email, at: now, timeZone: user.timezone, device: describeDevice(meta.userAgent), ip: meta.ip }),
        notAfter: addSeconds(now, NOTICE_DELIVERY_SECONDS),
        now,
      });
      return { ok: true as const, user: userRowToUser({ ...user, email: attempt.email }) };
    });
  } catch (error) {
    if (error instanceof AddressTaken || isUniqueViolation(error)) return 'taken';
    throw error;
  }
}
