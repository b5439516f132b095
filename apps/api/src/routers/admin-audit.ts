import { AUDIT_EVENT_TYPES, type AuditEntryView, listAudit } from '@app/auth';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { ReasonError } from '../errors';
import { adminProcedure } from '../trpc';
import type { AsJson } from './as-json';

/** One audit log entry as the admin pages show it; never a code, token or secret. */
export type AuditEntry = AsJson<AuditEntryView>;

export function toAuditEntry(entry: AuditEntryView): AuditEntry {
  return {
    id: entry.id,
    type: entry.type,
    at: entry.at.toISOString(),
    actor: entry.actor,
    subject: entry.subject,
    ip: entry.ip,
    userAgent: entry.userAgent,
    device: entry.device,
    data: entry.data,
  };
}

const listInput = z
  .object({
    userId: z.string().max(64).optional(),
    type: z.enum(AUDIT_EVENT_TYPES).optional(),
    cursor: z.string().max(512).optional(),
    limit: z.number().int().min(1).max(100).optional(),
  })
  .optional();

export const adminAuditRouter = {
  list: adminProcedure.input(listInput).query(async ({ ctx, input }) => {
    const result = await listAudit(ctx.services.db, input ?? {});
    if (!result.ok) throw ReasonError.from(result);
    return { items: result.items.map(toAuditEntry), nextCursor: result.nextCursor };
  }),
} satisfies TRPCRouterRecord;
