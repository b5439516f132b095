import { listSessions, revokeOtherSessions, revokeSession, type SessionOverview } from '@app/auth';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { ReasonError } from '../errors';
import type { AsJson } from './as-json';
import { signedInProcedure } from '../trpc';

/** A session as the API shows it (to its owner, or to an admin): never its secret. */
export type AccountSession = AsJson<SessionOverview>;

export function toAccountSession(session: SessionOverview): AccountSession {
  return {
    id: session.id,
    createdAt: session.createdAt.toISOString(),
    lastSeenAt: session.lastSeenAt.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
    ip: session.ip,
    device: session.device,
    current: session.current,
  };
}

/** The signed-in user's own sessions. */
export const accountSessionsRouter = {
  list: signedInProcedure.query(async ({ ctx }) => {
    const { db, deps } = ctx.services;
    const items = await listSessions(db, deps, { userId: ctx.user.id, currentSessionId: ctx.session.id });
    return { items: items.map(toAccountSession) };
  }),

  revoke: signedInProcedure.input(z.object({ id: z.string().min(1).max(64) })).mutation(async ({ ctx, input }) => {
    const { services } = ctx;
    const result = await revokeSession(services.db, services.deps, { user: ctx.user, sessionId: input.id, meta: ctx.meta });
    if (!result.ok) throw ReasonError.from(result);
    // Ending the session this browser uses is signing out: drop the cookie as sign-out does.
    if (input.id === ctx.session.id) ctx.request.setCookie(services.cookies.session, '', null);
    return { ok: true as const };
  }),

  revokeOthers: signedInProcedure.mutation(async ({ ctx }) => {
    const { db, deps } = ctx.services;
    return revokeOtherSessions(db, deps, { user: ctx.user, currentSessionId: ctx.session.id, meta: ctx.meta });
  }),
} satisfies TRPCRouterRecord;
