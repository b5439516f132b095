import { createRouter, createWebHistory } from 'vue-router';
import type { Router } from 'vue-router';
import { accessRedirect } from './lib/access';
import type { SessionStore } from './lib/session';

declare module 'vue-router' {
  interface RouteMeta {
    /** Only signed-in users; others go to /sign-in?redirect=… */
    requiresAuth?: boolean;
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
        path: '/dashboard',
        component: () => import('./views/DashboardView.vue'),
        meta: { requiresAuth: true, title: 'Dashboard' },
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
    if (!to.meta.requiresAuth && !to.meta.guestOnly) return true;
    let signedIn = false;
    try {
      signedIn = (await session.ensure()) !== null;
    } catch {
      // Server unreachable: treat as signed out; the sign-in page reports errors when used.
    }
    return accessRedirect(to, signedIn);
  });

  router.afterEach((to) => {
    if (to.meta.title) document.title = to.meta.title;
  });

  return router;
}
