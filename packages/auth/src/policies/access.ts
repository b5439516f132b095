import type { Role } from '@app/db';
import type { User } from '../users/user';
import { roleIncludes } from './roles';

/** What a procedure needs: anyone, any signed-in user, or a role at least as strong as this one. */
export type Requirement = 'public' | 'signed-in' | Role;

export type AccessDecision = { ok: true } | { ok: false; reason: 'unauthenticated' | 'forbidden' };

/** Decides whether `user` (null when signed out) may call something that needs `requirement`. */
export function decideAccess(user: Pick<User, 'role' | 'status'> | null, requirement: Requirement): AccessDecision {
  if (requirement === 'public') return { ok: true };
  if (!user || user.status === 'deactivated') return { ok: false, reason: 'unauthenticated' };
  if (requirement === 'signed-in') return { ok: true };
  return roleIncludes(user.role, requirement) ? { ok: true } : { ok: false, reason: 'forbidden' };
}
