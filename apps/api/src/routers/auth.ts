import { requestCode, signOut, type User, validateSessionToken, verifyCode } from '@app/auth';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { ReasonError } from '../errors';
import { cookieOptions, setCookie } from '../http/cookies';
import { publicProcedure } from '../trpc';

/** What the API shows of a user. */
export interface PublicUser {
  id: string;
  email: string;
  role: User['role'];
  timezone: string | null;
}

function toPublicUser(user: User): PublicUser {
  return { id: user.id, email: user.email, role: user.role, timezone: user.timezone };
}

// Bounds keep absurd input out of the logic; the logic gives the precise reason.
const requestCodeInput = z.object({ email: z.string().max(1024).optional() });
const verifyCodeInput = z.object({
  email: z.string().max(1024),
  code: z.string().max(64),
  timezone: z.string().max(128),
});

export const authRouter = {
  requestCode: publicProcedure.input(requestCodeInput).mutation(async ({ ctx, input }) => {
    const { services } = ctx;
    const result = await requestCode(services.db, services.deps, {
      email: input.email,
      attemptToken: ctx.cookies[services.cookies.attempt],
      meta: ctx.meta,
    });
    if (!result.ok) throw ReasonError.from(result);
    setCookie(ctx.res, services.cookies.attempt, result.attempt.token, cookieOptions(services.config.appUrl, result.attempt.expiresAt));
    services.emailQueued();
    return { email: result.email, codeLength: result.codeLength, expiresInSeconds: result.expiresInSeconds, resendAfterSeconds: result.resendAfterSeconds };
  }),

  verifyCode: publicProcedure.input(verifyCodeInput).mutation(async ({ ctx, input }) => {
    const { services } = ctx;
    const result = await verifyCode(services.db, services.deps, {
      ...input,
      attemptToken: ctx.cookies[services.cookies.attempt],
      sessionToken: ctx.cookies[services.cookies.session],
      meta: ctx.meta,
    });
    if (!result.ok) throw ReasonError.from(result);
    const { appUrl } = services.config;
    setCookie(ctx.res, services.cookies.attempt, '', cookieOptions(appUrl, null));
    // The cookie lives as long as the session could; the server ends it sooner when it sits idle.
    setCookie(ctx.res, services.cookies.session, result.session.token, cookieOptions(appUrl, result.session.absoluteExpiresAt));
    return { user: toPublicUser(result.user) };
  }),

  me: publicProcedure.query(async ({ ctx }): Promise<PublicUser | null> => {
    const { services } = ctx;
    const { user } = await validateSessionToken(services.db, services.deps, ctx.cookies[services.cookies.session]);
    return user ? toPublicUser(user) : null;
  }),

  signOut: publicProcedure.mutation(async ({ ctx }) => {
    const { services } = ctx;
    await signOut(services.db, services.deps, ctx.cookies[services.cookies.session], ctx.meta);
    setCookie(ctx.res, services.cookies.session, '', cookieOptions(services.config.appUrl, null));
    return { ok: true as const };
  }),
} satisfies TRPCRouterRecord;
