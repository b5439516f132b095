import { type Kysely, type Migration, type MigrationResultSet, Migrator, PostgresAdapter, sql } from 'kysely';
import * as initial from './migrations/2026_11_26_0001_initial';
import * as limitsAndAdmin from './migrations/2026_11_26_0002_limits_and_admin';
import * as refusalCounts from './migrations/2026_12_01_0001_refusal_counts';
import * as cleanupIndexes from './migrations/2026_12_02_0003_cleanup_indexes';
import * as signInLinks from './migrations/2026_12_03_0101_sign_in_links';
import * as emailChanges from './migrations/2026_12_03_0201_email_changes';
import * as emailEvents from './migrations/2026_12_03_0301_email_events';
import * as signInNotices from './migrations/2026_12_03_0302_sign_in_notices';
import { PreparedStatementsUnsupportedError } from './prepared-statements';

// A static list (not a folder scan) so the bundled server carries its migrations with it.
const migrations: Record<string, Migration> = {
  '2026_11_26_0001_initial': initial,
  '2026_11_26_0002_limits_and_admin': limitsAndAdmin,
  '2026_12_01_0001_refusal_counts': refusalCounts,
  '2026_12_02_0003_cleanup_indexes': cleanupIndexes,
  '2026_12_03_0101_sign_in_links': signInLinks,
  '2026_12_03_0201_email_changes': emailChanges,
  '2026_12_03_0301_email_events': emailEvents,
  '2026_12_03_0302_sign_in_notices': signInNotices,
};

/** Any bigint; only migrations take it (cleanup and the first-admin bootstrap have their own). */
const MIGRATION_LOCK = 7_412_003;

/**
 * Kysely's Postgres adapter locks migrations with a session-level advisory lock taken and released
 * outside the migration's transaction. Behind a transaction-mode pooler those three steps can land
 * on different server connections: the unlock misses, the lock stays held by a pooled connection,
 * and a second process on that same connection takes it again. `run` locks inside its own
 * transaction instead, so the adapter's lock is switched off.
 */
export class TransactionLockedMigrationsAdapter extends PostgresAdapter {
  override async acquireMigrationLock(): Promise<void> {}
  override async releaseMigrationLock(): Promise<void> {}
}

/**
 * Runs the migrator in one transaction on one connection that first takes a transaction-level
 * advisory lock: instances starting at once migrate one after another, and the lock ends with the
 * transaction whichever server connection a pooler gave it. A failed migration rolls back entirely.
 */
async function run(db: Kysely<any>, step: (migrator: Migrator) => Promise<MigrationResultSet>): Promise<MigrationResultSet> {
  return db.connection().execute(async (conn) => {
    await sql`begin`.execute(conn);
    let result: MigrationResultSet;
    try {
      await sql`select pg_advisory_xact_lock(${sql.lit(MIGRATION_LOCK)})`.execute(conn);
      result = await step(new Migrator({ db: conn, provider: { getMigrations: async () => migrations }, disableTransactions: true }));
    } catch (error) {
      await sql`rollback`.execute(conn).catch(() => {});
      throw error;
    }
    await (result.error ? sql`rollback` : sql`commit`).execute(conn);
    return result;
  });
}

function unwrap(result: MigrationResultSet): MigrationResultSet {
  if (result.error instanceof PreparedStatementsUnsupportedError) throw result.error;
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`migration ${failed ?? '(unknown)'} failed: ${String(result.error)}`, { cause: result.error });
  }
  return result;
}

/** Applies every pending migration; returns the names it applied. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const { results } = unwrap(await run(db, (migrator) => migrator.migrateToLatest()));
  return (results ?? []).map((r) => r.migrationName);
}

/** Reverts the most recent migration; returns its name, or null when none was applied. */
export async function migrateDown(db: Kysely<any>): Promise<string | null> {
  const { results } = unwrap(await run(db, (migrator) => migrator.migrateDown()));
  return results?.[0]?.migrationName ?? null;
}
