import type { Role } from '@app/db';

/** Every role, strongest first. */
export const ROLES = ['admin', 'user'] as const satisfies readonly Role[];

// Higher ranks include the powers of lower ones; a new role slots in by rank.
const RANK: Record<Role, number> = { user: 1, admin: 2 };

/** Whether someone with `role` has every power of `required`. */
export function roleIncludes(role: Role, required: Role): boolean {
  return RANK[role] >= RANK[required];
}
