import type { Database, Executor } from '@app/db';
import { type SessionOverview, listSessions } from './own-sessions';
import { recordAudit } from '../audit/audit';
import { isUuid } from '../ids';
import type { AuthDeps } from '../options';
import { fail, type Failure } from '../reasons';
import { deleteUserSessions } from './revoke-sessions';
import { lockActiveAdmins } from '../admin/admin-lock';
import type { AdminAction } from '../admin/change-user';

async function findUser(db: Executor, userId: string) {
  if (!isUuid(userId)) return null;
  return (await db.selectFrom('users').select(['id', 'email']).where('id', '=', userId).executeTakeFirst()) ?? null;
}

/** Another user's unexpired sessions, for an admin; `current` marks the admin's own request. */
export async function listUserSessions(
  db: Executor,
  deps: AuthDeps,
  input: { userId: string; currentSessionId: string | null },
): Promise<{ ok: true; items: SessionOverview[] } | Failure<'not_found'>> {
  const user = await findUser(db, input.userId);
  if (!user) return fail('not_found');
  return { ok: true, items: await listSessions(db, deps, { userId: user.id, currentSessionId: input.currentSessionId }) };
}

/** Signs a user out everywhere. */
export async function revokeUserSessions(
  db: Database,
  deps: AuthDeps,
  action: AdminAction,
): Promise<{ ok: true; revoked: number } | Failure<'not_found' | 'forbidden'>> {
  return db.transaction().execute(async (trx) => {
    const admins = await lockActiveAdmins(trx, action.actorId);
    if (!admins.ok) return admins;
    // Locked (as change-user.ts locks) so a removal cannot slip in before the audit row that names the user.
    const user = isUuid(action.userId)
      ? await trx.selectFrom('users').select(['id', 'email']).where('id', '=', action.userId).forNoKeyUpdate().executeTakeFirst()
      : undefined;
    if (!user) return fail('not_found');
    const revoked = await deleteUserSessions(trx, user.id);
    await recordAudit(trx, {
      type: 'session_revoked',
      actorUserId: action.actorId,
      subjectUserId: user.id,
      email: user.email,
      meta: action.meta,
      data: { scope: 'all', count: revoked },
      at: deps.now(),
    });
    return { ok: true as const, revoked };
  });
}
