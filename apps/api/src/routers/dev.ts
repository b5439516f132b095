import type { TRPCRouterRecord } from '@trpc/server';
import { ReasonError } from '../errors';
import { publicProcedure } from '../trpc';

export const devRouter = {
  /** Recent emails printed to the console; only when emails are not really sent (never in production). */
  mailbox: publicProcedure.query(({ ctx }) => {
    const recent = ctx.services.devMailbox;
    if (!recent) throw new ReasonError('forbidden');
    return { items: recent() };
  }),
} satisfies TRPCRouterRecord;
