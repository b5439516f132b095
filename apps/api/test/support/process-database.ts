import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestDatabase, type TestDatabase, type TestDatabaseTemplate } from '@app/db/testing';

/** A database copy that an API process owns, and the environment that points the process at it. */
export interface ProcessDatabase {
  env: Record<string, string>;
  /** The Postgres copy, for looking inside; null on PGlite (the process holds its files). */
  database: TestDatabase | null;
  close(): Promise<void>;
}

/** A Postgres database copied from the template, or, on PGlite, the template's files in a fresh DATA_DIR. */
export async function openProcessDatabase(template: TestDatabaseTemplate, name: string): Promise<ProcessDatabase> {
  if (template.kind === 'postgres') {
    const database = await openTestDatabase(template);
    return { env: { DATABASE_URL: database.url! }, database, close: () => database.close() };
  }
  // The migrated template's files, so the process skips creating a database (slow in PGlite).
  const dataDir = mkdtempSync(join(tmpdir(), `${name}-`));
  const untar = spawnSync('tar', ['-xf', template.dumpPath, '-C', dataDir], { encoding: 'utf8', timeout: 30_000 });
  if (untar.status !== 0) throw new Error(`could not unpack the database template: ${untar.stderr}`);
  return { env: { DATA_DIR: dataDir }, database: null, close: async () => rmSync(dataDir, { recursive: true, force: true }) };
}
