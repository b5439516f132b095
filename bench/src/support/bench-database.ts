import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createDatabase, type Database, type DatabaseOptions } from '@app/db';
import { admin, withDatabase } from '@app/db/testing';

export interface BenchDatabase {
  kind: 'postgres' | 'embedded';
  /** What the API process gets: DATABASE_URL, or DATA_DIR for the embedded database. */
  env: Record<string, string>;
  /** Connection string of the bench database (Postgres only). */
  url: string | undefined;
  /**
   * A connection from the bench process. The embedded database is one process's at a time:
   * close it before an API process opens the same directory.
   */
  open(options?: Pick<DatabaseOptions, 'poolSize' | 'log'>): Promise<Database>;
  drop(): Promise<void>;
}

/**
 * A database of the run's own: `bench_<pid>_<random>` created on the server DATABASE_URL points
 * at (and dropped at the end), or an embedded data directory under `workDir`.
 */
export async function createBenchDatabase(serverUrl: string | undefined, workDir: string): Promise<BenchDatabase> {
  if (!serverUrl) {
    const dataDir = join(workDir, 'embedded-db');
    return {
      kind: 'embedded',
      env: { DATA_DIR: dataDir },
      url: undefined,
      open: (options = {}) => createDatabase({ dataDir, ...options }),
      drop: () => rm(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  await admin(serverUrl, (c) => c.query(`create database ${name}`));
  const url = withDatabase(serverUrl, name);
  return {
    kind: 'postgres',
    env: { DATABASE_URL: url },
    url,
    open: (options = {}) => createDatabase({ url, ...options }),
    drop: () => admin(serverUrl, (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}
