import type { Executor, Role, UserStatus } from '@app/db';
import { sql } from 'kysely';
import { isUuid } from '../ids';
import type { AuthDeps } from '../options';
import { decodeCursor, isTimestampKey, type Page, pageSize, toPage } from '../pagination/cursor';
import { fail, type Failure } from '../reasons';
import { overviewRowToUserOverview, selectUserOverviews, type UserOverview } from './user-overview';

export interface ListUsersInput {
  /** Part of an email, any case. */
  search?: string | undefined;
  role?: Role | undefined;
  status?: UserStatus | undefined;
  /** `bouncing`: only users whose address is suppressed, or bounced or complained since its last delivery. */
  delivery?: 'bouncing' | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

export type ListUsersResult = ({ ok: true } & Page<UserOverview>) | Failure<'bad_request'>;

/** Escapes LIKE's wildcards so a search for `a_b%` finds exactly that text. */
export function likeSubstring(search: string): string {
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Users, newest first, one page at a time (keyset on created_at, id: stable while users are added). */
export async function listUsers(db: Executor, deps: AuthDeps, input: ListUsersInput): Promise<ListUsersResult> {
  const size = pageSize(input.limit);
  if (!size.ok) return size;
  let after: { createdKey: string; id: string } | null = null;
  if (input.cursor !== undefined) {
    const [createdKey, id] = decodeCursor(input.cursor, 2) ?? [];
    if (createdKey === undefined || id === undefined || !isTimestampKey(createdKey) || !isUuid(id)) return fail('bad_request');
    after = { createdKey, id };
  }

  let query = selectUserOverviews(db, deps.now());
  const search = input.search?.trim().toLowerCase();
  // Emails are stored lower-cased; ilike keeps the search case-blind even so.
  if (search) query = query.where(sql<boolean>`users.email ilike ${likeSubstring(search)} escape '\\'`);
  if (input.role) query = query.where('users.role', '=', input.role);
  if (input.status) query = query.where('users.status', '=', input.status);
  // Driven from the partial index of bouncing addresses (few), each user then found by email:
  // `= any(array(…))` keeps the planner from hashing the whole users table against them, which at
  // some sizes it costs as cheaper and at others not (a plan that changed from one ANALYZE to the next).
  if (input.delivery === 'bouncing') query = query.where(sql<boolean>`users.email = any(array(select email from email_deliverability where bouncing))`);
  if (after) query = query.where(sql<boolean>`(users.created_at, users.id) < (${after.createdKey}::timestamptz, ${after.id}::uuid)`);
  const rows = await query
    .orderBy('users.created_at', 'desc')
    .orderBy('users.id', 'desc')
    .limit(size.size + 1)
    .execute();
  return { ok: true, ...toPage(rows, size.size, (row) => [row.created_key, row.id], overviewRowToUserOverview) };
}
