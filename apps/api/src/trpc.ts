import { decideAccess, type Requirement, validateSessionToken } from '@app/auth';
import { isDatabaseUnavailable } from '@app/db';
import { initTRPC } from '@trpc/server';
import type { Context } from './context';
import { ReasonError, reasonErrorOf, reasonOf } from './errors';

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const reasonError = reasonErrorOf(error);
    const reason = reasonOf(error);
    const internal = error.code === 'INTERNAL_SERVER_ERROR';
    // No stack traces and no internal messages on the wire; input errors say which field is wrong.
    const { stack: _stack, ...data } = shape.data;
    return {
      ...shape,
      message: internal ? 'Internal error.' : shape.message,
      data: {
        ...data,
        reason,
        ...(reasonError?.retryAfterSeconds !== undefined ? { retryAfterSeconds: reasonError.retryAfterSeconds } : {}),
      },
    };
  },
});

export const router = t.router;
/** For calling the routers without HTTP (tests): `createCallerFactory(appRouter)(createContextInner(…))`. */
export const createCallerFactory = t.createCallerFactory;

/** Turns "database unreachable" into 503 `unavailable` instead of a 500. */
const availability = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && isDatabaseUnavailable(result.error.cause)) {
    throw new ReasonError('unavailable');
  }
  return result;
});

/**
 * Refuses input holding a NUL character anywhere: Postgres text cannot store one, so it would fail
 * inside a query as a 500, and no field of this API has a use for it.
 */
const noNulInInput = t.middleware(async ({ getRawInput, next }) => {
  if (containsNul(await getRawInput())) throw new ReasonError('bad_request');
  return next();
});

/** Walks parsed JSON without recursion (input may be nested thousands deep). */
function containsNul(input: unknown): boolean {
  const pending: unknown[] = [input];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return true;
    } else if (Array.isArray(value)) {
      pending.push(...value);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('\u0000')) return true;
        pending.push(item);
      }
    }
  }
  return false;
}

/** Anyone may call it. */
export const publicProcedure = t.procedure.use(availability).use(noNulInInput);

/** Validates the session cookie and applies the access policy; the role is read fresh each call. */
function requires(requirement: Exclude<Requirement, 'public'>) {
  return t.middleware(async ({ ctx, next }) => {
    const { session, user } = await validateSessionToken(ctx.services.db, ctx.services.deps, ctx.cookies[ctx.services.cookies.session]);
    if (user) ctx.request.noteUser(user.id);
    const decision = decideAccess(user, requirement);
    if (!decision.ok) throw new ReasonError(decision.reason);
    if (!session) throw new ReasonError('unauthenticated');
    return next({ ctx: { session, user } });
  });
}

/** Needs a valid session; `ctx.user` and `ctx.session` are set. */
export const signedInProcedure = publicProcedure.use(requires('signed-in'));

/** Needs a valid session of an admin: UNAUTHORIZED `unauthenticated` without one, FORBIDDEN `forbidden` for others. */
export const adminProcedure = publicProcedure.use(requires('admin'));
