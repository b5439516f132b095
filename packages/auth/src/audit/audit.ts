import type { Insertable } from 'kysely';
import type { AuditEventsTable, Executor } from '@app/db';
import type { RequestMeta } from '../options';
import type { AuditEventType } from '../vocabulary';


export interface AuditEvent {
  type: AuditEventType;
  actorUserId?: string | null;
  subjectUserId?: string | null;
  email?: string | null;
  meta?: RequestMeta;
  /** Extra facts; never a code, token or secret. */
  data?: Record<string, unknown>;
  at: Date;
}

/** Writes one audit row; call it inside the transaction of the change it records. */
export async function recordAudit(db: Executor, event: AuditEvent): Promise<void> {
  await db.insertInto('audit_events').values(auditRow(event)).execute();
}

export const AUDIT_COLUMNS = ['type', 'actor_user_id', 'subject_user_id', 'email', 'ip', 'user_agent', 'data', 'created_at'] as const;

/** The row an event is stored as, for statements that write it together with the change. */
export function auditRow(event: AuditEvent) {
  return {
    type: event.type,
    actor_user_id: event.actorUserId ?? null,
    subject_user_id: event.subjectUserId ?? null,
    email: event.email ?? null,
    ip: event.meta?.ip ?? null,
    user_agent: event.meta?.userAgent ?? null,
    data: JSON.stringify(event.data ?? {}),
    created_at: event.at,
  } satisfies Insertable<AuditEventsTable> & Record<(typeof AUDIT_COLUMNS)[number], unknown>;
}
