import type { Database, DB, Role } from '@app/db';
import type { Transaction } from 'kysely';
import { recordAudit } from '../audit/audit';
import type { AuditEventType } from '../vocabulary';
import { isUuid } from '../ids';
import type { AuthDeps, RequestMeta } from '../options';
import { type DomainReason, fail, type Failure } from '../reasons';
import { deleteUserSessions } from '../sessions/revoke-sessions';
import { lockActiveAdmins } from './admin-lock';
import { checkLastAdmin } from './last-admin';
import { findUserOverview, type UserOverview } from './user-overview';

/** Who does what to whom, and from where. */
export interface AdminAction {
  actorId: string;
  userId: string;
  meta: RequestMeta;
}

export type ChangeUserResult<R extends DomainReason = 'last_admin'> = { ok: true; user: UserOverview } | Failure<'not_found' | 'forbidden' | R>;

async function lockForChange(trx: Transaction<DB>, action: AdminAction) {
  // The admins first (see lockActiveAdmins), then the target, always in this order.
  const admins = await lockActiveAdmins(trx, action.actorId);
  if (!admins.ok) return admins;
  const target = await trx
    .selectFrom('users')
    .select(['id', 'email', 'role', 'status', 'activated_at', 'timezone'])
    .where('id', '=', action.userId)
    .forNoKeyUpdate()
    .executeTakeFirst();
  return target ? { ok: true as const, target, activeAdminIds: admins.activeAdminIds } : fail('not_found');
}

type Locked = Extract<Awaited<ReturnType<typeof lockForChange>>, { ok: true }>;
/** What a change does to a locked user; null when it would change nothing (no write, no audit row). */
type Change<R extends DomainReason> = (trx: Transaction<DB>, locked: Locked, now: Date) => Promise<Failure<R> | { type: AuditEventType; data: Record<string, unknown> } | null>;

/**
 * Applies `change` to a user under the admin locks, with its audit row, and returns the user as
 * the list shows them: the frame of every admin change to one user.
 */
export function changeUser<R extends DomainReason = 'last_admin'>(db: Database, deps: AuthDeps, action: AdminAction, change: Change<R>): Promise<ChangeUserResult<R>> {
  if (!isUuid(action.userId)) return Promise.resolve(fail('not_found'));
  return db.transaction().execute(async (trx): Promise<ChangeUserResult<R>> => {
    const now = deps.now();
    const locked = await lockForChange(trx, action);
    if (!locked.ok) return locked;
    const outcome = await change(trx, locked, now);
    if (outcome && 'reason' in outcome) return outcome;
    if (outcome) {
      await recordAudit(trx, {
        type: outcome.type,
        actorUserId: action.actorId,
        subjectUserId: locked.target.id,
        email: locked.target.email,
        meta: action.meta,
        data: outcome.data,
        at: now,
      });
    }
    const user = await findUserOverview(trx, locked.target.id, now);
    if (!user) throw new Error(`user ${locked.target.id} vanished under lock`);
    return { ok: true, user };
  });
}

/** Gives a user another role and ends their sessions (they sign in again under the new role). */
export function setUserRole(db: Database, deps: AuthDeps, action: AdminAction & { role: Role }): Promise<ChangeUserResult> {
  return changeUser(db, deps, action, async (trx, { target, activeAdminIds }, now) => {
    if (target.role === action.role) return null;
    const rule = checkLastAdmin({ activeAdminIds, targetId: target.id, after: { role: action.role, status: target.status } });
    if (!rule.ok) return rule;
    await trx.updateTable('users').set({ role: action.role, updated_at: now }).where('id', '=', target.id).execute();
    const sessionsRevoked = await deleteUserSessions(trx, target.id);
    return { type: 'role_changed', data: { from: target.role, to: action.role, sessionsRevoked } };
  });
}

/** Stops a user from getting codes or signing in, and ends their sessions. */
export function deactivateUser(db: Database, deps: AuthDeps, action: AdminAction): Promise<ChangeUserResult> {
  return changeUser(db, deps, action, async (trx, { target, activeAdminIds }, now) => {
    if (target.status === 'deactivated') return null;
    const rule = checkLastAdmin({ activeAdminIds, targetId: target.id, after: { role: target.role, status: 'deactivated' } });
    if (!rule.ok) return rule;
    await trx.updateTable('users').set({ status: 'deactivated', updated_at: now }).where('id', '=', target.id).execute();
    const sessionsRevoked = await deleteUserSessions(trx, target.id);
    return { type: 'user_deactivated', data: { previousStatus: target.status, sessionsRevoked } };
  });
}

/** Lets a deactivated user sign in again: active if they ever signed in, otherwise invited again. */
export function reactivateUser(db: Database, deps: AuthDeps, action: AdminAction): Promise<ChangeUserResult> {
  return changeUser(db, deps, action, async (trx, { target }, now) => {
    if (target.status !== 'deactivated') return null;
    const status = target.activated_at ? 'active' : 'invited';
    await trx.updateTable('users').set({ status, updated_at: now }).where('id', '=', target.id).execute();
    return { type: 'user_reactivated', data: { status } };
  });
}

/**
 * Deletes a user; their sessions and sign-in attempts go with them (cascades), audit rows stay
 * (the subject becomes null, the email column keeps who it was).
 */
export async function removeUser(db: Database, deps: AuthDeps, action: AdminAction): Promise<{ ok: true } | Failure<'not_found' | 'last_admin' | 'forbidden'>> {
  if (!isUuid(action.userId)) return fail('not_found');
  return db.transaction().execute(async (trx) => {
    const now = deps.now();
    const locked = await lockForChange(trx, action);
    if (!locked.ok) return locked;
    const { target, activeAdminIds } = locked;
    const rule = checkLastAdmin({ activeAdminIds, targetId: target.id, after: null });
    if (!rule.ok) return rule;
    await recordAudit(trx, {
      type: 'user_removed',
      actorUserId: action.actorId,
      subjectUserId: target.id,
      email: target.email,
      meta: action.meta,
      data: { removedUserId: target.id, role: target.role, status: target.status, self: action.actorId === target.id },
      at: now,
    });
    await trx.deleteFrom('users').where('id', '=', target.id).execute();
    return { ok: true as const };
  });
}
