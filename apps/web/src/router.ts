import { createRouter, createWebHistory } from 'vue-router';
import type { Router } from 'vue-router';
import { accessRedirect, type Role } from './lib/access';
import type { SessionStore } from './lib/session';
import type { SessionUser } from './trpc';

declare module 'vue-router' {
  interface RouteMeta {
    /** Only signed-in users; others go to /sign-in?redirect=… */
    requiresAuth?: boolean;
    /** Only signed-in users with this role (or a stronger one); others go to /no-access. */
    requiresRole?: Role;
    /** Only signed-out visitors; signed-in users go to /dashboard. */
    guestOnly?: boolean;
    /** The document title. */
    title?: string;
  }
}

export function createAppRouter(session: SessionStore): Router {
  const router = createRouter({
    history: createWebHistory(import.meta.env.BASE_URL),
    routes: [
      { path: '/', redirect: '/dashboard' },
      {
        path: '/sign-in',
        component: () => import('./views/SignInView.vue'),
        meta: { guestOnly: true, title: 'Sign In' },
      },
      {
        // The link in the code email; the token is in the fragment, so the server never sees it.
        path: '/sign-in/link',
        component: () => import('./views/SignInLinkView.vue'),
        meta: { title: 'Sign-in link' },
      },
      {
        path: '/dashboard',
        component: () => import('./views/DashboardView.vue'),
        meta: { requiresAuth: true, title: 'Dashboard' },
      },
      {
        path: '/account',
        component: () => import('./views/AccountView.vue'),
        meta: { requiresAuth: true, title: 'Account' },
      },
      {
        path: '/admin/users',
        component: () => import('./views/admin/AdminUsersView.vue'),
        meta: { requiresRole: 'admin', title: 'Users' },
      },
      {
        path: '/admin/audit',
        component: () => import('./views/admin/AdminAuditView.vue'),
        meta: { requiresRole: 'admin', title: 'Audit log' },
      },
      {
        path: '/no-access',
        component: () => import('./views/NoAccessView.vue'),
        meta: { title: 'No access' },
      },
      {
        path: '/dev/mailbox',
        component: () => import('./views/DevMailboxView.vue'),
        meta: { title: 'Dev mailbox' },
      },
      {
        path: '/:pathMatch(.*)*',
        component: () => import('./views/NotFoundView.vue'),
        meta: { title: 'Page not found' },
      },
    ],
  });

  router.beforeEach(async (to) => {
    if (!to.meta.requiresAuth && !to.meta.requiresRole && !to.meta.guestOnly) return true;
    let user: SessionUser | null = null;
    try {
      user = await session.ensure();
    } catch {
      // Server unreachable: treat as signed out; the sign-in page reports errors when used.
    }
    return accessRedirect(to, user);
  });

  router.afterEach((to) => {
    if (to.meta.title) document.title = to.meta.title;
  });

  return router;
}
