import { confirmEmailChange, requestEmailChange } from '@app/auth';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { signedInProcedure } from '../trpc';
import { refused, toPublicUser } from './auth';

// Bounds keep absurd input out of the logic; the logic gives the precise reason.
const requestChangeInput = z.object({ newEmail: z.string().max(1024) });
const confirmChangeInput = z.object({ code: z.string().max(64) });

/**
 * The signed-in user's own address. The session is the binding: a code works only in the session
 * (so the browser) that asked for it, and ends with it.
 */
export const accountEmailRouter = {
  requestChange: signedInProcedure.input(requestChangeInput).mutation(async ({ ctx, input, path }) => {
    const { services } = ctx;
    const result = await requestEmailChange(services.db, services.deps, { user: ctx.user, sessionId: ctx.session.id, newEmail: input.newEmail, meta: ctx.meta });
    if (!result.ok) throw await refused(ctx, path, result);
    services.emailQueued();
    return { email: result.email, codeLength: result.codeLength, expiresInSeconds: result.expiresInSeconds, resendAfterSeconds: result.resendAfterSeconds };
  }),

  confirmChange: signedInProcedure.input(confirmChangeInput).mutation(async ({ ctx, input, path }) => {
    const { services } = ctx;
    const result = await confirmEmailChange(services.db, services.deps, { user: ctx.user, sessionId: ctx.session.id, code: input.code, meta: ctx.meta });
    if (!result.ok) throw await refused(ctx, path, result);
    services.emailQueued();
    return { user: toPublicUser(result.user) };
  }),
} satisfies TRPCRouterRecord;
