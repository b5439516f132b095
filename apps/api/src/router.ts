import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { accountSessionsRouter } from './routers/account';
import { accountEmailRouter } from './routers/account-email';
import { appInfoRouter } from './routers/app-info';
import { adminAuditRouter } from './routers/admin-audit';
import { adminUsersRouter } from './routers/admin-users';
import { authRouter } from './routers/auth';
import { devRouter } from './routers/dev';
import { router } from './trpc';

export const appRouter = router({
  auth: authRouter,
  dev: devRouter,
  admin: router({ users: router(adminUsersRouter), audit: router(adminAuditRouter) }),
  account: router({ sessions: router(accountSessionsRouter), email: router(accountEmailRouter) }),
  app: router(appInfoRouter),
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type { PublicUser } from './routers/auth';
export type { AccountSession } from './routers/account';
export type { AuditEntry } from './routers/admin-audit';
export type { AdminUser, Invitation } from './routers/admin-users';
export type { Reason } from './errors';
