import type { Database } from '@app/db';
import type { Mailer } from '../delivery/mailer';
import { isUuid } from '../ids';
import type { AuthDeps } from '../options';
import { fail, failBecause, type Failure } from '../reasons';
import { type AdminAction, changeUser, type ChangeUserResult } from './change-user';

export type ClearSuppressionResult = ChangeUserResult | Failure<'reactivation_failed'>;

/**
 * Lets email go to a user's address again after its owner fixed their mailbox. The provider is
 * asked first (it keeps its own list and would refuse the next email with "inactive recipient",
 * suppressing the address again); if it refuses, nothing changes here either. Then the suppression
 * is lifted under the admin locks, with its audit row. An address that is not suppressed is left
 * alone (no provider call, no audit row).
 */
export async function clearSuppression(db: Database, deps: AuthDeps, mailer: Pick<Mailer, 'reactivate'>, action: AdminAction): Promise<ClearSuppressionResult> {
  if (!isUuid(action.userId)) return fail('not_found');
  const target = await db
    .selectFrom('users')
    .leftJoin('email_deliverability as d', 'd.email', 'users.email')
    .select(['users.email', 'd.suppressed_at'])
    .where('users.id', '=', action.userId)
    .executeTakeFirst();
  if (!target) return fail('not_found');
  const reactivated = target.suppressed_at !== null && mailer.reactivate ? await mailer.reactivate(target.email) : null;
  if (reactivated && !reactivated.ok) {
    deps.log({ event: 'email provider refused to reactivate an address', userId: action.userId, error: reactivated.error });
    return failBecause('reactivation_failed', reactivated.error);
  }
  return changeUser(db, deps, action, async (trx, { target: locked }, now) => {
    // Read under the user's lock: lifted by someone else meanwhile means nothing to do.
    const lifted = await trx
      .updateTable('email_deliverability as d')
      .set({ suppressed_at: null, suppression_reason: null, lifted_at: now, updated_at: now })
      .from((eb) => eb.selectFrom('email_deliverability').select(['email', 'suppression_reason', 'bounce_type']).where('email', '=', locked.email).as('before'))
      .whereRef('d.email', '=', 'before.email')
      .where('d.suppressed_at', 'is not', null)
      .returning(['before.suppression_reason', 'before.bounce_type'])
      .executeTakeFirst();
    if (!lifted) return null;
    return {
      type: 'email_suppression_lifted',
      data: { reason: lifted.suppression_reason, bounceType: lifted.bounce_type, providerAsked: reactivated !== null },
    };
  });
}
