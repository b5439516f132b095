import {
  changeUserEmail,
  clearSuppression,
  deactivateUser,
  type DeliveryState,
  type InvitationEmail,
  inviteUser,
  listUsers,
  listUserSessions,
  reactivateUser,
  removeUser,
  revokeUserSessions,
  ROLES,
  setUserRole,
  USER_STATUSES,
  type UserOverview,
} from '@app/auth';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { ReasonError } from '../errors';
import { adminProcedure } from '../trpc';
import { toAccountSession } from './account';
import type { AsJson } from './as-json';

/** A user as the admin pages show them. */
export type AdminUser = AsJson<Omit<UserOverview, 'delivery'>> & { delivery: AsJson<DeliveryState> };

/** What `admin.users.invite` answers: the user, and what became of the invitation email. */
export type Invitation = { user: AdminUser; email: InvitationEmail };

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function toAdminUser(user: UserOverview): AdminUser {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    status: user.status,
    createdAt: user.createdAt.toISOString(),
    lastSignInAt: user.lastSignInAt?.toISOString() ?? null,
    timezone: user.timezone,
    activeSessions: user.activeSessions,
    delivery: {
      lastDeliveredAt: iso(user.delivery.lastDeliveredAt),
      lastBouncedAt: iso(user.delivery.lastBouncedAt),
      bounceType: user.delivery.bounceType,
      complainedAt: iso(user.delivery.complainedAt),
      suppressedAt: iso(user.delivery.suppressedAt),
      suppressionReason: user.delivery.suppressionReason,
    },
  };
}

const role = z.enum(ROLES);
// Malformed ids are the logic's `not_found`; the bound only keeps absurd input out.
const userIdInput = z.object({ userId: z.string().max(64) });
const listInput = z
  .object({
    search: z.string().max(254).optional(),
    role: role.optional(),
    status: z.enum(USER_STATUSES).optional(),
    delivery: z.enum(['bouncing']).optional(),
    cursor: z.string().max(512).optional(),
    limit: z.number().int().min(1).max(100).optional(),
  })
  .optional();

export const adminUsersRouter = {
  list: adminProcedure.input(listInput).query(async ({ ctx, input }) => {
    const { db, deps } = ctx.services;
    const result = await listUsers(db, deps, input ?? {});
    if (!result.ok) throw ReasonError.from(result);
    return { items: result.items.map(toAdminUser), nextCursor: result.nextCursor };
  }),

  invite: adminProcedure
    .input(z.object({ email: z.string().max(1024), role, sendEmail: z.boolean().optional() }))
    .mutation(async ({ ctx, input }) => {
      const { services } = ctx;
      const result = await inviteUser(services.db, services.deps, { ...input, actorId: ctx.user.id, meta: ctx.meta });
      if (!result.ok) throw ReasonError.from(result);
      if (result.email === 'queued') services.emailQueued();
      return { user: toAdminUser(result.user), email: result.email } satisfies Invitation;
    }),

  setRole: adminProcedure.input(userIdInput.extend({ role })).mutation(async ({ ctx, input }) => {
    const { db, deps } = ctx.services;
    const result = await setUserRole(db, deps, { actorId: ctx.user.id, userId: input.userId, role: input.role, meta: ctx.meta });
    if (!result.ok) throw ReasonError.from(result);
    return { user: toAdminUser(result.user) };
  }),

  deactivate: adminProcedure.input(userIdInput).mutation(async ({ ctx, input }) => {
    const { db, deps } = ctx.services;
    const result = await deactivateUser(db, deps, { actorId: ctx.user.id, userId: input.userId, meta: ctx.meta });
    if (!result.ok) throw ReasonError.from(result);
    return { user: toAdminUser(result.user) };
  }),

  reactivate: adminProcedure.input(userIdInput).mutation(async ({ ctx, input }) => {
    const { db, deps } = ctx.services;
    const result = await reactivateUser(db, deps, { actorId: ctx.user.id, userId: input.userId, meta: ctx.meta });
    if (!result.ok) throw ReasonError.from(result);
    return { user: toAdminUser(result.user) };
  }),

  remove: adminProcedure.input(userIdInput).mutation(async ({ ctx, input }) => {
    const { db, deps } = ctx.services;
    const result = await removeUser(db, deps, { actorId: ctx.user.id, userId: input.userId, meta: ctx.meta });
    if (!result.ok) throw ReasonError.from(result);
    return { ok: true as const };
  }),

  /** Lets email go to the user's address again (and asks the email provider to), after they fixed their mailbox. */
  clearSuppression: adminProcedure.input(userIdInput).mutation(async ({ ctx, input }) => {
    const { db, deps, mailer } = ctx.services;
    const result = await clearSuppression(db, deps, mailer, { actorId: ctx.user.id, userId: input.userId, meta: ctx.meta });
    if (!result.ok) throw ReasonError.from(result);
    return { user: toAdminUser(result.user) };
  }),

  sessions: adminProcedure.input(userIdInput).query(async ({ ctx, input }) => {
    const { db, deps } = ctx.services;
    const result = await listUserSessions(db, deps, { userId: input.userId, currentSessionId: ctx.session.id });
    if (!result.ok) throw ReasonError.from(result);
    return { items: result.items.map(toAccountSession) };
  }),

  changeEmail: adminProcedure.input(userIdInput.extend({ email: z.string().max(1024) })).mutation(async ({ ctx, input }) => {
    const { services } = ctx;
    const result = await changeUserEmail(services.db, services.deps, { actorId: ctx.user.id, userId: input.userId, email: input.email, meta: ctx.meta });
    if (!result.ok) throw ReasonError.from(result);
    // Both addresses are told (none when the address was already the user's).
    services.emailQueued();
    return { user: toAdminUser(result.user) };
  }),

  revokeSessions: adminProcedure.input(userIdInput).mutation(async ({ ctx, input }) => {
    const { db, deps } = ctx.services;
    const result = await revokeUserSessions(db, deps, { actorId: ctx.user.id, userId: input.userId, meta: ctx.meta });
    if (!result.ok) throw ReasonError.from(result);
    return { revoked: result.revoked };
  }),
} satisfies TRPCRouterRecord;
