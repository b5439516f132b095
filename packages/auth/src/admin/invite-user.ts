import type { Database, Role } from '@app/db';
import { sql } from 'kysely';
import { recordAudit } from '../audit/audit';
import { suppressedSql } from '../deliverability/suppressed';
import { enqueueEmail } from '../delivery/outbox';
import { parseEmail } from '../email-address';
import { invitationEmail } from '../emails/invitation-email';
import { addSeconds, type AuthDeps, type RequestMeta } from '../options';
import { fail, type Failure } from '../reasons';
import { lockActiveAdmins } from './admin-lock';
import { findUserOverview, type UserOverview } from './user-overview';

/** An invitation that cannot be delivered in a week is stale; the admin can invite again. */
const INVITATION_DELIVERY_SECONDS = 7 * 86_400;

export interface InviteUserInput {
  actorId: string;
  email: unknown;
  role: Role;
  /** Queue the invitation email (default true). */
  sendEmail?: boolean | undefined;
  meta: RequestMeta;
}

/** What became of the invitation email: queued, not asked for, or not queued because the address is suppressed. */
export type InvitationEmail = 'queued' | 'not_asked' | 'suppressed';

export type InviteUserResult =
  | { ok: true; user: UserOverview; email: InvitationEmail }
  | Failure<'missing_email' | 'invalid_email' | 'already_exists' | 'forbidden'>;

/**
 * Adds a user who becomes active on first sign-in, and queues their invitation in the same
 * transaction, unless the address is suppressed (it bounced before): that email would be dropped
 * at send, so the admin is told instead.
 */
export async function inviteUser(db: Database, deps: AuthDeps, input: InviteUserInput): Promise<InviteUserResult> {
  const parsed = parseEmail(input.email);
  if (!parsed.ok) return parsed;
  const { email } = parsed;
  const sendEmail = input.sendEmail ?? true;
  return db.transaction().execute(async (trx): Promise<InviteUserResult> => {
    const now = deps.now();
    const admins = await lockActiveAdmins(trx, input.actorId);
    if (!admins.ok) return admins;
    // The unique email decides who wins when two admins invite the same person at once.
    const inserted = await trx
      .insertInto('users')
      .values({ email, role: input.role, status: 'invited', created_at: now, updated_at: now })
      .onConflict((oc) => oc.column('email').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return fail('already_exists');
    const suppressed = sendEmail && (await sql<{ suppressed: boolean }>`select ${suppressedSql(email)} as suppressed`.execute(trx)).rows[0]?.suppressed === true;
    const outcome: InvitationEmail = !sendEmail ? 'not_asked' : suppressed ? 'suppressed' : 'queued';
    if (outcome === 'queued') {
      await enqueueEmail(trx, {
        kind: 'invitation',
        recipient: email,
        userId: inserted.id,
        content: invitationEmail({ appName: deps.options.appName, appUrl: deps.options.appUrl }),
        notAfter: addSeconds(now, INVITATION_DELIVERY_SECONDS),
        now,
      });
    }
    await recordAudit(trx, {
      type: 'user_invited',
      actorUserId: input.actorId,
      subjectUserId: inserted.id,
      email,
      meta: input.meta,
      data: { role: input.role, emailSent: outcome === 'queued', ...(suppressed ? { suppressed: true } : {}) },
      at: now,
    });
    const user = await findUserOverview(trx, inserted.id, now);
    if (!user) throw new Error(`invited user ${email} vanished`);
    return { ok: true, user, email: outcome };
  });
}
