import type { Database, Executor, Role, UserRow, UserStatus } from '@app/db';
import { sql } from 'kysely';
import { recordAudit } from '../audit/audit';

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

export type AddUserResult =
  | { outcome: 'created' | 'unchanged'; user: User }
  | { outcome: 'updated'; user: User; previousRole: Role };

/** Adds a user (invited until their first sign-in), or sets the role of an existing one. */
export async function addUser(db: Executor, email: string, role: Role, now: Date): Promise<AddUserResult> {
  const inserted = await db
    .insertInto('users')
    .values({ email, role, created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('email').doNothing())
    .returning(userFields)
    .executeTakeFirst();
  if (inserted) return { outcome: 'created', user: userRowToUser(inserted) };
  const existing = await findUserByEmail(db, email);
  if (!existing) throw new Error(`user ${email} vanished while being added`);
  if (existing.role === role) return { outcome: 'unchanged', user: existing };
  const updated = await db
    .updateTable('users')
    .set({ role, updated_at: now })
    .where('id', '=', existing.id)
    .returning(userFields)
    .executeTakeFirstOrThrow();
  return { outcome: 'updated', user: userRowToUser(updated), previousRole: existing.role };
}

/** Who added a user outside the admin pages: an operator with `pnpm cli`, or ADMIN_EMAIL at start-up. */
export type ProvisionedBy = 'cli' | 'ADMIN_EMAIL';

/**
 * addUser for operators, with its audit row (no actor: nobody was signed in) written with the change.
 * Give it a transaction, or a database to run one on.
 */
export async function provisionUser(db: Executor, email: string, role: Role, by: ProvisionedBy, now: Date): Promise<AddUserResult> {
  if (!db.isTransaction) return db.transaction().execute((trx) => provisionUser(trx, email, role, by, now));
  const result = await addUser(db, email, role, now);
  const subject = { subjectUserId: result.user.id, email: result.user.email, at: now };
  if (result.outcome === 'created') {
    await recordAudit(db, { type: 'user_invited', ...subject, data: { role, emailSent: false, by } });
  } else if (result.outcome === 'updated') {
    await recordAudit(db, { type: 'role_changed', ...subject, data: { from: result.previousRole, to: role, by } });
  }
  return result;
}

const ADMIN_BOOTSTRAP_LOCK = 7_412_001;

/** Makes `email` an admin when the product has no admin yet (the ADMIN_EMAIL bootstrap). */
export async function ensureFirstAdmin(db: Database, email: string, now: Date): Promise<AddUserResult | null> {
  return db.transaction().execute(async (trx) => {
    // Serialise concurrent start-ups of several instances.
    await sql`select pg_advisory_xact_lock(${ADMIN_BOOTSTRAP_LOCK})`.execute(trx);
    const admin = await trx.selectFrom('users').select('id').where('role', '=', 'admin').where('status', '!=', 'deactivated').executeTakeFirst();
    if (admin) return null;
    return provisionUser(trx, email, 'admin', 'ADMIN_EMAIL', now);
  });
}
