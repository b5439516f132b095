import type { Database, Executor, SessionsTable } from '@app/db';
import type { Insertable } from 'kysely';
import { addSeconds, type AuthDeps, type RequestMeta } from '../options';
import { compiledStatement, type SlotOf } from '../sql/compiled-statement';
import { generateToken, hashSecret, parseToken, secretMatches } from '../tokens';
import { type User, userColumns, userRowToUser } from '../users/user';

export interface Session {
  id: string;
  userId: string;
  createdAt: Date;
  /** When it ends if unused (pushed forward by activity). */
  expiresAt: Date;
  /** When it ends however active it is: the cookie's lifetime, since the server enforces the idle limit. */
  absoluteExpiresAt: Date;
}

export type SessionValidationResult = { session: Session; user: User } | { session: null; user: null };

const NO_SESSION = { session: null, user: null } as const;

/** Creates a session and returns the cookie token (shown once, stored only as a hash). */
export async function createSession(
  db: Executor,
  deps: AuthDeps,
  userId: string,
  meta: RequestMeta,
): Promise<{ token: string; session: Session }> {
  const { row, ...created } = newSession(deps, userId, meta);
  await db.insertInto('sessions').values(row).execute();
  return created;
}

export const SESSION_COLUMNS = ['id', 'secret_hash', 'user_id', 'created_at', 'last_seen_at', 'expires_at', 'absolute_expires_at', 'ip', 'user_agent'] as const;

/** A new session's token, the session, and the row to store it as (for statements that write it with other changes). */
export function newSession(deps: AuthDeps, userId: string, meta: RequestMeta) {
  const now = deps.now();
  const { idleTimeoutSeconds, absoluteTimeoutSeconds } = deps.options.session;
  const token = generateToken(deps.randomBytes);
  const absoluteExpiresAt = addSeconds(now, absoluteTimeoutSeconds);
  const expiresAt = minDate(addSeconds(now, idleTimeoutSeconds), absoluteExpiresAt);
  const row = {
    id: token.id,
    secret_hash: hashSecret(token.secret),
    user_id: userId,
    created_at: now,
    last_seen_at: now,
    expires_at: expiresAt,
    absolute_expires_at: absoluteExpiresAt,
    ip: meta.ip,
    user_agent: meta.userAgent,
  } satisfies Insertable<SessionsTable> & Record<(typeof SESSION_COLUMNS)[number], unknown>;
  const session: Session = { id: token.id, userId, createdAt: now, expiresAt, absoluteExpiresAt };
  return { token: token.value, session, row };
}

/**
 * Checks a session cookie: one indexed read, plus a write at most once per refresh interval to
 * push the idle expiry forward (never past the absolute limit).
 */
export async function validateSessionToken(db: Database, deps: AuthDeps, tokenValue: unknown): Promise<SessionValidationResult> {
  const token = parseToken(tokenValue);
  if (!token) return NO_SESSION;
  const now = deps.now();
  const [row] = await sessionLookup(db, 'by-id', { id: token.id });
  if (!row || !secretMatches(token.secret, row.secret_hash)) return NO_SESSION;
  if (row.expires_at <= now || row.status === 'deactivated') return NO_SESSION;

  let expiresAt = row.expires_at;
  const { idleTimeoutSeconds, refreshIntervalSeconds } = deps.options.session;
  if (now.getTime() - row.last_seen_at.getTime() >= refreshIntervalSeconds * 1000) {
    expiresAt = minDate(addSeconds(now, idleTimeoutSeconds), row.absolute_expires_at);
    await db.updateTable('sessions').set({ last_seen_at: now, expires_at: expiresAt }).where('id', '=', token.id).execute();
  }
  return {
    session: { id: token.id, userId: row.id, createdAt: row.created_at, expiresAt, absoluteExpiresAt: row.absolute_expires_at },
    user: userRowToUser(row),
  };
}

/** Deletes the session a cookie names, if the cookie's secret is right. Returns whether one was deleted. */
export async function invalidateSessionToken(db: Executor, tokenValue: unknown): Promise<{ userId: string } | null> {
  const token = parseToken(tokenValue);
  if (!token) return null;
  const row = await db.selectFrom('sessions').select(['secret_hash', 'user_id']).where('id', '=', token.id).executeTakeFirst();
  if (!row || !secretMatches(token.secret, row.secret_hash)) return null;
  await db.deleteFrom('sessions').where('id', '=', token.id).execute();
  return { userId: row.user_id };
}

/**
 * The session joined to its user, by id. It runs on every signed-in request, so it is built and
 * compiled once per database and only its parameter changes (docs/performance.md).
 */
const sessionLookup = compiledStatement((db, slot: SlotOf<{ id: string }>) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.secret_hash',
      'sessions.created_at',
      'sessions.last_seen_at',
      'sessions.expires_at',
      'sessions.absolute_expires_at',
      ...userColumns,
    ])
    .where('sessions.id', '=', slot('id')),
);

function minDate(a: Date, b: Date): Date {
  return a <= b ? a : b;
}
