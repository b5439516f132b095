import type { Database } from '@app/db';
import { recordAudit } from '../audit/audit';
import type { AuthDeps, RequestMeta } from '../options';
import { invalidateSessionToken } from './session';

/** Ends the session a cookie names (a no-op for unknown cookies) and records it. */
export async function signOut(db: Database, deps: AuthDeps, sessionToken: unknown, meta: RequestMeta): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const ended = await invalidateSessionToken(trx, sessionToken);
    if (!ended) return;
    await recordAudit(trx, { type: 'signed_out', actorUserId: ended.userId, subjectUserId: ended.userId, meta, at: deps.now() });
  });
}
