import { sql } from 'kysely';
import { type User, userColumns } from '../users/user';
import type { Executor } from '@app/db';

/** What the email provider last reported about a user's address (webhooks, refusals). */
export interface DeliveryState {
  lastDeliveredAt: Date | null;
  lastBouncedAt: Date | null;
  /** The provider's name for the last bounce, e.g. `HardBounce`, `SoftBounce`. */
  bounceType: string | null;
  complainedAt: Date | null;
  /** Set: no email goes to the address until an admin lifts it or the owner resubscribes. */
  suppressedAt: Date | null;
  suppressionReason: string | null;
}

/** A user as an admin sees them in the user list. */
export interface UserOverview extends User {
  createdAt: Date;
  lastSignInAt: Date | null;
  /** Sessions that have not expired yet. */
  activeSessions: number;
  delivery: DeliveryState;
}

/**
 * Users with what the overview shows, plus `created_key`: created_at to the microsecond, for
 * cursors. The address's deliverability is one primary-key lookup per user listed.
 */
export function selectUserOverviews(db: Executor, now: Date) {
  return db.selectFrom('users').leftJoin('email_deliverability as d', 'd.email', 'users.email').select((eb) => [
    ...userColumns,
    'users.created_at',
    'users.last_sign_in_at',
    'd.delivered_at',
    'd.bounced_at',
    'd.bounce_type',
    'd.complained_at',
    'd.suppressed_at',
    'd.suppression_reason',
    eb
      .selectFrom('sessions')
      .select((s) => s.fn.countAll<string>().as('n'))
      .whereRef('sessions.user_id', '=', 'users.id')
      .where('sessions.expires_at', '>', now)
      .as('active_sessions'),
    sql<string>`to_char(users.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('created_key'),
  ]);
}

type OverviewRow = Awaited<ReturnType<ReturnType<typeof selectUserOverviews>['executeTakeFirstOrThrow']>>;

export function overviewRowToUserOverview(row: OverviewRow): UserOverview {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    status: row.status,
    timezone: row.timezone,
    createdAt: row.created_at,
    lastSignInAt: row.last_sign_in_at,
    activeSessions: Number(row.active_sessions ?? 0),
    delivery: {
      lastDeliveredAt: row.delivered_at,
      lastBouncedAt: row.bounced_at,
      bounceType: row.bounce_type,
      complainedAt: row.complained_at,
      suppressedAt: row.suppressed_at,
      suppressionReason: row.suppression_reason,
    },
  };
}

/** One user's overview (call inside the transaction that changed them, to return what was written). */
export async function findUserOverview(db: Executor, userId: string, now: Date): Promise<UserOverview | null> {
  const row = await selectUserOverviews(db, now).where('users.id', '=', userId).executeTakeFirst();
  return row ? overviewRowToUserOverview(row) : null;
}
