import type { DB } from '@app/db';
import type { Transaction } from 'kysely';
import { fail, type Failure } from '../reasons';

/**
 * Locks every active admin, in id order, and checks that the actor is still one of them. Every
 * admin write starts here, so two admins acting on each other queue on the same rows in the same
 * order, and the second sees the first one's change: a demotion, deactivation or removal that
 * committed before the write (after the request's own access check) refuses it with `forbidden`.
 * NO KEY UPDATE conflicts with itself but not with the key-share locks that inserts referencing
 * a user take (audit rows, sessions): FOR UPDATE would deadlock against those.
 */
export async function lockActiveAdmins(trx: Transaction<DB>, actorId: string): Promise<{ ok: true; activeAdminIds: string[] } | Failure<'forbidden'>> {
  const admins = await trx
    .selectFrom('users')
    .select('id')
    .where('role', '=', 'admin')
    .where('status', '=', 'active')
    .orderBy('id')
    .forNoKeyUpdate()
    .execute();
  const activeAdminIds = admins.map((a) => a.id);
  return activeAdminIds.includes(actorId) ? { ok: true, activeAdminIds } : fail('forbidden');
}
