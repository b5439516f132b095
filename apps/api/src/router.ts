import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { authRouter } from './routers/auth';
import { devRouter } from './routers/dev';
import { router } from './trpc';

export const appRouter = router({
  auth: authRouter,
  dev: devRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type { PublicUser } from './routers/auth';
