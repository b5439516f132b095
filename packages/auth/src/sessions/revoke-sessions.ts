import type { Executor } from '@app/db';

/** Deletes a user's sessions (all, or all but one) and says how many there were. */
export async function deleteUserSessions(db: Executor, userId: string, options: { except?: string } = {}): Promise<number> {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (options.except !== undefined) query = query.where('id', '!=', options.except);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}
