import { type Kysely, type Migration, type MigrationResultSet, Migrator } from 'kysely';
import * as initial from './migrations/2026_11_26_0001_initial';
import * as limitsAndAdmin from './migrations/2026_11_26_0002_limits_and_admin';
import * as refusalCounts from './migrations/2026_12_01_0001_refusal_counts';

// A static list (not a folder scan) so the bundled server carries its migrations with it.
const migrations: Record<string, Migration> = {
  '2026_11_26_0001_initial': initial,
  '2026_11_26_0002_limits_and_admin': limitsAndAdmin,
  '2026_12_01_0001_refusal_counts': refusalCounts,
};

function migratorFor(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

function unwrap(result: MigrationResultSet): MigrationResultSet {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`migration ${failed ?? '(unknown)'} failed: ${String(result.error)}`, { cause: result.error });
  }
  return result;
}

/** Applies every pending migration; returns the names it applied. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const { results } = unwrap(await migratorFor(db).migrateToLatest());
  return (results ?? []).map((r) => r.migrationName);
}

/** Reverts the most recent migration; returns its name, or null when none was applied. */
export async function migrateDown(db: Kysely<any>): Promise<string | null> {
  const { results } = unwrap(await migratorFor(db).migrateDown());
  return results?.[0]?.migrationName ?? null;
}
