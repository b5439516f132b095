import { type Role, roleIncludes } from '@app/auth/shared';
import type { RouteLocationRaw } from 'vue-router';
import type { SessionUser } from '../trpc';

export type { Role };

/** The parts of a route the access rules look at. */
export type AccessTarget = {
  fullPath: string;
  meta: { requiresAuth?: boolean; requiresRole?: Role; guestOnly?: boolean };
};


/**
 * Where a navigation may go, given who is signed in (null when nobody is): `true` to proceed, or
 * a redirect. Signed-out visitors keep the page they wanted in `?redirect=` so sign-in can bring
 * them back; signed-in users without the role go to /no-access. This is convenience only: the API
 * checks every call itself.
 */
export function accessRedirect(to: AccessTarget, user: Pick<SessionUser, 'role'> | null): true | RouteLocationRaw {
  const { requiresAuth, requiresRole, guestOnly } = to.meta;
  if ((requiresAuth || requiresRole) && !user) {
    return { path: '/sign-in', query: { redirect: to.fullPath } };
  }
  if (requiresRole && user && !roleIncludes(user.role, requiresRole)) return { path: '/no-access' };
  if (guestOnly && user) return { path: '/dashboard' };
  return true;
}

/**
 * Where to go when the API refuses a call from a page that was already open: the session ended
 * (sign in again, then come back) or the role was taken away. Null for every other failure.
 */
export function redirectForRefusal(reason: string, fullPath: string): RouteLocationRaw | null {
  if (reason === 'unauthenticated') return { path: '/sign-in', query: { redirect: fullPath } };
  if (reason === 'forbidden') return { path: '/no-access' };
  return null;
}
