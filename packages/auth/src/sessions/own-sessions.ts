import type { Database, Executor, SessionRow } from '@app/db';
import { type AuditEvent, recordAudit } from '../audit/audit';
import type { AuthDeps, RequestMeta } from '../options';
import { fail, type Failure } from '../reasons';
import { deleteUserSessions } from './revoke-sessions';
import type { User } from '../users/user';
import { describeDevice } from './device';

/** A session as its owner (or an admin) sees it: never the secret or its hash. */
export interface SessionOverview {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  ip: string | null;
  /** Readable browser and system, e.g. "Chrome 120 on macOS". */
  device: string;
  /** The session the request itself came with. */
  current: boolean;
}

type OverviewRow = Pick<SessionRow, 'id' | 'created_at' | 'last_seen_at' | 'expires_at' | 'ip' | 'user_agent'>;

export function sessionRowToOverview(row: OverviewRow, currentSessionId: string | null): SessionOverview {
  return {
    id: row.id,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    ip: row.ip,
    device: describeDevice(row.user_agent),
    current: row.id === currentSessionId,
  };
}

/** A user's unexpired sessions, most recently used first. */
export async function listSessions(
  db: Executor,
  deps: AuthDeps,
  input: { userId: string; currentSessionId: string | null },
): Promise<SessionOverview[]> {
  const rows = await db
    .selectFrom('sessions')
    .select(['id', 'created_at', 'last_seen_at', 'expires_at', 'ip', 'user_agent'])
    .where('user_id', '=', input.userId)
    .where('expires_at', '>', deps.now())
    .orderBy('last_seen_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map((row) => sessionRowToOverview(row, input.currentSessionId));
}

type Owner = Pick<User, 'id' | 'email'>;

/** The audit row of an owner ending their own sessions. */
function ownRevocation(input: { user: Owner; meta: RequestMeta }, data: Record<string, unknown>, at: Date): AuditEvent {
  return { type: 'session_revoked', actorUserId: input.user.id, subjectUserId: input.user.id, email: input.user.email, meta: input.meta, data, at };
}

/** Ends one of the owner's own sessions; another user's session id is `not_found`, as if it did not exist. */
export async function revokeSession(
  db: Database,
  deps: AuthDeps,
  input: { user: Owner; sessionId: string; meta: RequestMeta },
): Promise<{ ok: true } | Failure<'not_found'>> {
  return db.transaction().execute(async (trx) => {
    const deleted = await trx
      .deleteFrom('sessions')
      .where('id', '=', input.sessionId)
      .where('user_id', '=', input.user.id)
      .returning('user_agent')
      .executeTakeFirst();
    if (!deleted) return fail('not_found');
    await recordAudit(trx, ownRevocation(input, { scope: 'one', count: 1, device: describeDevice(deleted.user_agent) }, deps.now()));
    return { ok: true };
  });
}

/** Ends every session of the owner except the one making the request ("sign out everywhere else"). */
export async function revokeOtherSessions(
  db: Database,
  deps: AuthDeps,
  input: { user: Owner; currentSessionId: string; meta: RequestMeta },
): Promise<{ revoked: number }> {
  return db.transaction().execute(async (trx) => {
    const revoked = await deleteUserSessions(trx, input.user.id, { except: input.currentSessionId });
    if (revoked > 0) {
      await recordAudit(trx, ownRevocation(input, { scope: 'others', count: revoked }, deps.now()));
    }
    return { revoked };
  });
}
