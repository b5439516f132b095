import { isUuid } from '../ids';
import { describeDevice } from '../sessions/device';
import { decodeCursor, isBigintKey, type Page, pageSize, toPage } from '../pagination/cursor';
import { fail, type Failure } from '../reasons';
import type { Executor } from '@app/db';
import type { AuditEventType } from '../vocabulary';

/** One audit row as an admin reads it. */
export interface AuditEntryView {
  id: string;
  type: AuditEventType;
  at: Date;
  /** Who did it; null for anonymous requests, the system, or an actor since removed. */
  actor: { id: string; email: string } | null;
  /** Whom it concerns; the id is null once that user is removed, the email stays. */
  subject: { id: string | null; email: string | null };
  ip: string | null;
  userAgent: string | null;
  /** The user agent as the sessions list names it ("Chrome 120 on macOS"); null without one. */
  device: string | null;
  data: Record<string, unknown>;
}

export interface ListAuditInput {
  /** Events done by or to this user. */
  userId?: string | undefined;
  type?: AuditEventType | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

export type ListAuditResult = ({ ok: true } & Page<AuditEntryView>) | Failure<'bad_request'>;

function selectAuditEntries(db: Executor) {
  return db
    .selectFrom('audit_events')
    .leftJoin('users as actor', 'actor.id', 'audit_events.actor_user_id')
    .leftJoin('users as subject', 'subject.id', 'audit_events.subject_user_id')
    .select([
      'audit_events.id',
      'audit_events.type',
      'audit_events.created_at',
      'actor.id as actor_id',
      'actor.email as actor_email',
      'audit_events.subject_user_id',
      'audit_events.email',
      'subject.email as subject_email',
      'audit_events.ip',
      'audit_events.user_agent',
      'audit_events.data',
    ]);
}

type AuditRow = Awaited<ReturnType<ReturnType<typeof selectAuditEntries>['executeTakeFirstOrThrow']>>;

export function auditRowToEntry(row: AuditRow): AuditEntryView {
  return {
    id: row.id,
    // Rows are written only through recordAudit, whose event type is one of the list.
    type: row.type as AuditEventType,
    at: row.created_at,
    actor: row.actor_id !== null && row.actor_email !== null ? { id: row.actor_id, email: row.actor_email } : null,
    // The email written at the time says who it was; the user's current email fills in rows without one.
    subject: { id: row.subject_user_id, email: row.email ?? row.subject_email },
    ip: row.ip,
    userAgent: row.user_agent,
    device: row.user_agent === null ? null : describeDevice(row.user_agent),
    data: row.data,
  };
}

/** The audit log, newest first, one page at a time (keyset on id). */
export async function listAudit(db: Executor, input: ListAuditInput): Promise<ListAuditResult> {
  const size = pageSize(input.limit);
  if (!size.ok) return size;
  let beforeId: string | null = null;
  if (input.cursor !== undefined) {
    const [id] = decodeCursor(input.cursor, 1) ?? [];
    if (id === undefined || !isBigintKey(id)) return fail('bad_request');
    beforeId = id;
  }
  if (input.userId !== undefined && !isUuid(input.userId)) return fail('bad_request');

  let query = selectAuditEntries(db);
  const { userId, type } = input;
  if (userId !== undefined) {
    query = query.where((eb) => eb.or([eb('audit_events.subject_user_id', '=', userId), eb('audit_events.actor_user_id', '=', userId)]));
  }
  if (type !== undefined) query = query.where('audit_events.type', '=', type);
  if (beforeId !== null) query = query.where('audit_events.id', '<', beforeId);
  const rows = await query.orderBy('audit_events.id', 'desc').limit(size.size + 1).execute();
  return { ok: true, ...toPage(rows, size.size, (row) => [row.id], auditRowToEntry) };
}
