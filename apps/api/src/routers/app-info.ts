import type { TRPCRouterRecord } from '@trpc/server';
import { publicProcedure } from '../trpc';

/** What the SPA shows of the deployment: its name (APP_NAME). Asked once per page load, not per auth.me. */
export const appInfoRouter = {
  info: publicProcedure.query(({ ctx }) => ({ name: ctx.services.config.appName })),
} satisfies TRPCRouterRecord;
