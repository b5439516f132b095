import type { Database, DB, Role, UserRow, UserStatus } from '@app/db';
import { type Kysely, sql, type Transaction } from 'kysely';

export type Executor = Database | Transaction<DB> | Kysely<DB>;

export const ROLES = ['admin', 'user'] as const satisfies readonly Role[];

/** The user as the rest of the product sees it. */
export interface User {
  id: string;
  email: string;
  role: Role;
  status: UserStatus;
  timezone: string | null;
}

export const userFields = ['id', 'email', 'role', 'status', 'timezone'] as const;
/** The same columns, qualified for queries that join users to another table. */
export const userColumns = ['users.id', 'users.email', 'users.role', 'users.status', 'users.timezone'] as const;

/** The columns a User is made from. */
export type UserFields = Pick<UserRow, (typeof userFields)[number]>;

export function userRowToUser(row: UserFields): User {
  return { id: row.id, email: row.email, role: row.role, status: row.status, timezone: row.timezone };
}

export async function findUserByEmail(db: Executor, email: string): Promise<User | null> {
  const row = await db.selectFrom('users').select(userFields).where('email', '=', email).executeTakeFirst();
  return row ? userRowToUser(row) : null;
}

export type AddUserResult = { outcome: 'created' | 'updated' | 'unchanged'; user: User };

/** Adds a user (invited until their first sign-in), or sets the role of an existing one. */
export async function addUser(db: Executor, email: string, role: Role): Promise<AddUserResult> {
  const inserted = await db
    .insertInto('users')
    .values({ email, role })
    .onConflict((oc) => oc.column('email').doNothing())
    .returning(userFields)
    .executeTakeFirst();
  if (inserted) return { outcome: 'created', user: userRowToUser(inserted) };
  const existing = await findUserByEmail(db, email);
  if (!existing) throw new Error(`user ${email} vanished while being added`);
  if (existing.role === role) return { outcome: 'unchanged', user: existing };
  const updated = await db
    .updateTable('users')
    .set({ role, updated_at: new Date() })
    .where('id', '=', existing.id)
    .returning(userFields)
    .executeTakeFirstOrThrow();
  return { outcome: 'updated', user: userRowToUser(updated) };
}

const ADMIN_BOOTSTRAP_LOCK = 7_412_001;

/** Makes `email` an admin when the product has no admin yet (the ADMIN_EMAIL bootstrap). */
export async function ensureFirstAdmin(db: Database, email: string): Promise<AddUserResult | null> {
  return db.transaction().execute(async (trx) => {
    // Serialise concurrent start-ups of several instances.
    await sql`select pg_advisory_xact_lock(${ADMIN_BOOTSTRAP_LOCK})`.execute(trx);
    const admin = await trx.selectFrom('users').select('id').where('role', '=', 'admin').where('status', '!=', 'deactivated').executeTakeFirst();
    if (admin) return null;
    return addUser(trx, email, 'admin');
  });
}
