import type { Role } from '../../lib/access';
import type { AdminUser, UserListInput } from '../../trpc';

import type { UserStatus } from '@app/auth/shared';

export type { UserStatus };

/** What the filters above the users table hold; '' means "any". */
export type UserFilters = { search: string; role: Role | ''; status: UserStatus | '' };

export const roleLabels: Record<Role, string> = { admin: 'Admin', user: 'User' };
export const statusLabels: Record<UserStatus, string> = {
  invited: 'Invited',
  active: 'Active',
  deactivated: 'Deactivated',
};

export const PAGE_SIZE = 25;

/** The `admin.users.list` input for the filters: trimmed search, and nothing sent for "any". */
export function userListInput(filters: UserFilters, cursor?: string): UserListInput {
  const search = filters.search.trim();
  return {
    ...(search ? { search } : {}),
    ...(filters.role ? { role: filters.role } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(cursor ? { cursor } : {}),
    limit: PAGE_SIZE,
  };
}

/** The list with one user swapped for the server's newer copy. */
export function replaceUser(items: readonly AdminUser[], user: AdminUser): AdminUser[] {
  return items.map((item) => (item.id === user.id ? user : item));
}

/** The list without the user with `id`. */
export function withoutUser(items: readonly AdminUser[], id: string): AdminUser[] {
  return items.filter((item) => item.id !== id);
}

/** A just-invited user on top, where the admin is looking. */
export function prependUser(items: readonly AdminUser[], user: AdminUser): AdminUser[] {
  return [user, ...withoutUser(items, user.id)];
}

/** "1 session", "3 sessions". */
export function sessionCount(count: number): string {
  return count === 1 ? '1 session' : `${count} sessions`;
}
