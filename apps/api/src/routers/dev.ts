import type { TRPCRouterRecord } from '@trpc/server';
import { ReasonError } from '../errors';
import { publicProcedure } from '../trpc';

export const devRouter = {
  /**
   * Recent emails printed to the console; only when emails are not really sent (never in
   * production), and only to this machine unless DEV_MAILBOX_PUBLIC=true: it holds sign-in codes.
   */
  mailbox: publicProcedure.query(({ ctx }) => {
    const { devMailbox, config } = ctx.services;
    if (!devMailbox || !config.devMailbox) throw new ReasonError('forbidden');
    if (!config.devMailbox.public && !ctx.request.fromThisMachine()) throw new ReasonError('forbidden');
    return { items: devMailbox() };
  }),
} satisfies TRPCRouterRecord;
