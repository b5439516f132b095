import type { RouteLocationRaw } from 'vue-router';

/** The parts of a route the access rules look at. */
export type AccessTarget = {
  fullPath: string;
  meta: { requiresAuth?: boolean; guestOnly?: boolean };
};

/**
 * Where a navigation may go, given whether someone is signed in: `true` to proceed, or a redirect.
 * Signed-out visitors keep the page they wanted in `?redirect=` so sign-in can bring them back.
 */
export function accessRedirect(to: AccessTarget, signedIn: boolean): true | RouteLocationRaw {
  if (to.meta.requiresAuth && !signedIn) {
    return { path: '/sign-in', query: { redirect: to.fullPath } };
  }
  if (to.meta.guestOnly && signedIn) return { path: '/dashboard' };
  return true;
}
