import { randomBytes } from 'node:crypto';
import { openTestDatabase, type TestDatabase } from '@app/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import { type AuthDeps, type AuthEvent, defaultAuthOptions } from '../src/index';
import type { Database } from '@app/db';

/** A clock tests move by hand. */
export function fakeClock(start = new Date('2026-01-05T10:00:00Z')) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(seconds: number) {
      now += seconds * 1000;
    },
  };
}

export type TestDeps = AuthDeps & { clock: ReturnType<typeof fakeClock>; events: AuthEvent[] };

export function testDeps(clock = fakeClock()): TestDeps {
  const events: AuthEvent[] = [];
  return {
    options: { ...structuredClone(defaultAuthOptions), secret: 'test-secret-0123456789abcdef0123456789', appName: 'Acme', appUrl: 'http://localhost:3000' },
    now: clock.now,
    randomBytes,
    log: (e) => events.push(e),
    clock,
    events,
  };
}

export function useTestDatabase(): Promise<TestDatabase> {
  return openTestDatabase(inject('testDatabaseTemplate'));
}

/** The code in the newest queued email to `email` (read the way a person reads their inbox). */
/** The sign-in link's token in the newest email to `email` (the fragment of APP_URL/sign-in/link#…). */
/** Marks an address suppressed at `at`, as a hard bounce would. */
export async function suppressAddress(db: Database, email: string, at: Date): Promise<void> {
  await db.insertInto('email_deliverability').values({ email, bounced_at: at, bounce_type: 'HardBounce', suppressed_at: at, suppression_reason: 'HardBounce', updated_at: at }).execute();
}

export async function latestLinkToken(db: Database, email: string): Promise<string> {
  const row = await db.selectFrom('email_outbox').select('text_body').where('recipient', '=', email).orderBy('id', 'desc').executeTakeFirstOrThrow();
  const match = /\/sign-in\/link#(\S+)$/m.exec(row.text_body ?? '');
  if (!match?.[1]) throw new Error(`no sign-in link in the email to ${email}`);
  return match[1];
}

export async function latestCode(db: Database, email: string): Promise<string> {
  const row = await db
    .selectFrom('email_outbox')
    .select('text_body')
    .where('recipient', '=', email)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  const match = /^(\d{6})$/m.exec(row.text_body ?? '');
  if (!match?.[1]) throw new Error(`no code in the email to ${email}`);
  return match[1];
}

export interface DatabaseSuite {
  /** This file's own database (valid inside tests and hooks). */
  readonly db: Database;
  /** Its URL, for a second connection (undefined for the embedded database). */
  readonly url: string | undefined;
  /** Fresh dependencies with a fake clock for each test. */
  readonly deps: TestDeps;
}

/**
 * Registers the hooks a database test file needs: its own database for the file, and every table
 * emptied (and a new fake clock made) before each test, so tests never see each other's rows.
 */
export function useDatabaseSuite(): DatabaseSuite {
  let database: TestDatabase | undefined;
  let deps: TestDeps | undefined;
  beforeAll(async () => {
    database = await useTestDatabase();
  });
  afterAll(() => database?.close());
  beforeEach(async () => {
    deps = testDeps();
    await sql`truncate users, sign_in_attempts, sign_in_codes, sessions, email_outbox, audit_events, rate_limits, email_events, email_deliverability cascade`.execute(database!.db);
  });
  return {
    get db() {
      return database!.db;
    },
    get url() {
      return database!.url;
    },
    get deps() {
      return deps!;
    },
  };
}

/** Waits (bounded) until a statement in this database waits for a row lock. */
export async function waitForLockWait(db: Database, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows } = await sql<{ waiting: boolean }>`
      select exists (select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock') as waiting`.execute(db);
    if (rows[0]?.waiting) return;
    if (Date.now() > deadline) throw new Error(`${what} never waited for a lock`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
