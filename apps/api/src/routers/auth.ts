import { type Failure, isAuditedRefusal, recordRefusal, requestCode, signOut, type User, validateSessionToken, verifyCode, type VerifyCodeResult, verifyLink } from '@app/auth';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import type { Context } from '../context';
import { ReasonError } from '../errors';
import { publicProcedure } from '../trpc';

/** What the API shows of a user. */
export interface PublicUser {
  id: string;
  email: string;
  role: User['role'];
  timezone: string | null;
}

export function toPublicUser(user: User): PublicUser {
  return { id: user.id, email: user.email, role: user.role, timezone: user.timezone };
}

// Bounds keep absurd input out of the logic; the logic gives the precise reason.
const requestCodeInput = z.object({ email: z.string().max(1024).optional() });
const verifyCodeInput = z.object({
  email: z.string().max(1024),
  code: z.string().max(64),
  timezone: z.string().max(128),
});
const verifyLinkInput = z.object({ token: z.string().max(128), timezone: z.string().max(128) });

/**
 * The error for a refused sign-in step. Refusals that show probing or spraying are also counted in
 * the audit log (per minute, see recordRefusal); a failure to count them is logged, and the client
 * still gets its refusal.
 */
export async function refused(ctx: Context, procedure: string, failure: Failure): Promise<ReasonError> {
  const { reason } = failure;
  if (isAuditedRefusal(reason)) {
    const { db, deps } = ctx.services;
    await recordRefusal(db, { reason, procedure, meta: ctx.meta, at: deps.now() }).catch((error: unknown) => {
      ctx.request.log().warn({ error: error instanceof Error ? error.message : String(error) }, 'refusal not audited');
    });
  }
  return ReasonError.from(failure);
}

/** The auth package's deps, with the sign-in's own log line going through the request's logger (so it carries the request id). */
function requestDeps(ctx: Context) {
  return { ...ctx.services.deps, log: ({ event, ...fields }: { event: string }) => ctx.request.log().info(fields, event) };
}

/** What a verify reads from the browser: its sign-in attempt and, to replace it, its session. */
function browserCookies(ctx: Context) {
  const { cookies } = ctx.services;
  return { attemptToken: ctx.cookies[cookies.attempt], sessionToken: ctx.cookies[cookies.session] };
}

/** A verified code or link: the attempt cookie goes, the session cookie comes. */
function signedIn(ctx: Context, result: Extract<VerifyCodeResult, { ok: true }>, method: 'code' | 'link') {
  const { services } = ctx;
  ctx.request.noteUser(result.user.id);
  services.metrics.signIns.inc({ method });
  ctx.request.setCookie(services.cookies.attempt, '', null);
  // The cookie lives as long as the session could; the server ends it sooner when it sits idle.
  ctx.request.setCookie(services.cookies.session, result.session.token, result.session.absoluteExpiresAt);
  return { user: toPublicUser(result.user) };
}

export const authRouter = {
  requestCode: publicProcedure.input(requestCodeInput).mutation(async ({ ctx, input, path }) => {
    const { services } = ctx;
    const result = await requestCode(services.db, services.deps, {
      email: input.email,
      attemptToken: ctx.cookies[services.cookies.attempt],
      meta: ctx.meta,
    });
    if (!result.ok) throw await refused(ctx, path, result);
    ctx.request.setCookie(services.cookies.attempt, result.attempt.token, result.attempt.expiresAt);
    // Refused requests are counted with their reason where every refusal is (app.ts, onError).
    services.metrics.codeRequests.inc({ outcome: result.outboxId === null ? 'decoy' : 'sent' });
    services.emailQueued();
    return { email: result.email, codeLength: result.codeLength, expiresInSeconds: result.expiresInSeconds, resendAfterSeconds: result.resendAfterSeconds };
  }),

  verifyCode: publicProcedure.input(verifyCodeInput).mutation(async ({ ctx, input, path }) => {
    const { services } = ctx;
    const result = await verifyCode(services.db, requestDeps(ctx), { ...input, ...browserCookies(ctx), meta: ctx.meta });
    if (!result.ok) throw await refused(ctx, path, result);
    return signedIn(ctx, result, 'code');
  }),

  // A mutation (POST, CSRF-checked), never a query: a GET of anything must not sign in or consume.
  verifyLink: publicProcedure.input(verifyLinkInput).mutation(async ({ ctx, input, path }) => {
    const { services } = ctx;
    const result = await verifyLink(services.db, requestDeps(ctx), { ...input, ...browserCookies(ctx), meta: ctx.meta });
    if (!result.ok) throw await refused(ctx, path, result);
    return signedIn(ctx, result, 'link');
  }),

  me: publicProcedure.query(async ({ ctx }): Promise<PublicUser | null> => {
    const { services } = ctx;
    const { user } = await validateSessionToken(services.db, services.deps, ctx.cookies[services.cookies.session]);
    if (!user) return null;
    ctx.request.noteUser(user.id);
    return toPublicUser(user);
  }),

  signOut: publicProcedure.mutation(async ({ ctx }) => {
    const { services } = ctx;
    await signOut(services.db, services.deps, ctx.cookies[services.cookies.session], ctx.meta);
    ctx.request.setCookie(services.cookies.session, '', null);
    return { ok: true as const };
  }),
} satisfies TRPCRouterRecord;
