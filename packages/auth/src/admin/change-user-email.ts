import { type Database, isUniqueViolation } from '@app/db';
import { enqueueEmail } from '../delivery/outbox';
import { parseEmail } from '../email-address';
import { NOTICE_DELIVERY_SECONDS } from '../email-change/confirm-email-change';
import { applyEmailChange } from '../email-change/apply-email-change';
import { emailChangedByAdminEmail } from '../emails/email-changed-by-admin-email';
import { emailSetByAdminEmail } from '../emails/email-set-by-admin-email';
import { addSeconds, type AuthDeps } from '../options';
import { fail } from '../reasons';
import { type AdminAction, changeUser, type ChangeUserResult } from './change-user';

export type ChangeUserEmailResult = ChangeUserResult<'missing_email' | 'invalid_email' | 'already_exists'>;

/**
 * An admin corrects a user's address: the user's sessions all end (they sign in with the new
 * address), both addresses are told, and `email_changed` is recorded. Admins may learn that an
 * address is in use (`already_exists`), as inviting it would tell them. The same address changes
 * nothing.
 */
export async function changeUserEmail(db: Database, deps: AuthDeps, action: AdminAction & { email: unknown }): Promise<ChangeUserEmailResult> {
  const parsed = parseEmail(action.email);
  if (!parsed.ok) return parsed;
  const to = parsed.email;
  const { appName, appUrl } = deps.options;
  try {
    return await changeUser(db, deps, action, async (trx, { target }, now) => {
      if (target.email === to) return null;
      const applied = await applyEmailChange(trx, { userId: target.id, to, keepSessionId: null, now });
      if (!applied) return fail('already_exists');
      const notice = { userId: target.id, notAfter: addSeconds(now, NOTICE_DELIVERY_SECONDS), now };
      await enqueueEmail(trx, { ...notice, kind: 'email_changed_by_admin', recipient: target.email, content: emailChangedByAdminEmail({ appName, newEmail: to, at: now, timeZone: target.timezone }) });
      await enqueueEmail(trx, { ...notice, kind: 'email_set_by_admin', recipient: to, content: emailSetByAdminEmail({ appName, appUrl, oldEmail: target.email }) });
      return { type: 'email_changed', data: { from: target.email, to, by: 'admin', sessionsRevoked: applied.sessionsEnded } };
    });
  } catch (error) {
    // Someone took the address between the check and the update (the unique email decides).
    if (isUniqueViolation(error)) return fail('already_exists');
    throw error;
  }
}
