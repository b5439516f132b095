import { fail, type Failure } from '../reasons';
import type { User } from '../users/user';

type RoleAndStatus = Pick<User, 'role' | 'status'>;

/** An admin who can sign in now: invited admins may never show up (and expire), deactivated ones cannot. */
export function isActiveAdmin(user: RoleAndStatus): boolean {
  return user.role === 'admin' && user.status === 'active';
}

/**
 * Refuses a change that would leave the product without an active admin: the target is one now,
 * will not be one after (`after` is null when the user is removed), and no other active admin exists.
 * `activeAdminIds` must be read under lock in the transaction that makes the change.
 */
export function checkLastAdmin(input: {
  activeAdminIds: readonly string[];
  targetId: string;
  after: RoleAndStatus | null;
}): { ok: true } | Failure<'last_admin'> {
  const wasActiveAdmin = input.activeAdminIds.includes(input.targetId);
  const staysActiveAdmin = input.after !== null && isActiveAdmin(input.after);
  const others = input.activeAdminIds.filter((id) => id !== input.targetId).length;
  return wasActiveAdmin && !staysActiveAdmin && others === 0 ? fail('last_admin') : { ok: true };
}
