import type { Executor } from '@app/db';
import { deleteUserSessions } from '../sessions/revoke-sessions';

/**
 * Moves a user to a new address, inside the caller's transaction (which holds the user's row
 * locked), and ends their sessions: all, or all but `keepSessionId`. Null when the address belongs
 * to someone else; an account that takes it in the meantime makes the update fail on the unique
 * email instead, which rolls the caller's transaction back (see isUniqueViolation). Codes sent to
 * the old address stop working by themselves: a sign-in checks that the user still has the
 * attempt's address.
 */
export async function applyEmailChange(
  trx: Executor,
  input: { userId: string; to: string; keepSessionId: string | null; now: Date },
): Promise<{ sessionsEnded: number } | null> {
  const taken = await trx.selectFrom('users').select('id').where('email', '=', input.to).where('id', '!=', input.userId).executeTakeFirst();
  if (taken) return null;
  await trx.updateTable('users').set({ email: input.to, updated_at: input.now }).where('id', '=', input.userId).execute();
  const sessionsEnded = await deleteUserSessions(trx, input.userId, input.keepSessionId === null ? {} : { except: input.keepSessionId });
  return { sessionsEnded };
}
