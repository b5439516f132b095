import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect';
import type { DB } from './schema';

export type Database = Kysely<DB>;

export interface DatabaseOptions {
  /** Postgres connection string; without it an embedded PGlite database is used. */
  url?: string | undefined;
  /** Where the embedded database keeps its files; omitted means in memory. */
  dataDir?: string | undefined;
  /** A tarball from PGlite's dumpDataDir() to start the embedded database from. */
  loadDataDir?: Blob | undefined;
  /** Connections in the pg pool. */
  poolSize?: number | undefined;
}

// int8 (ids, counts) arrive as strings from pg; make PGlite agree so rows look the same on both.
const INT8_OID = 20;

/** Opens the database: Postgres through `pg` when a URL is given, otherwise embedded PGlite. */
export async function createDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      // Fail fast instead of queueing forever while the server is unreachable.
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
    });
    // An idle client losing its server must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const pglite = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    parsers: { [INT8_OID]: (value: string) => value },
  });
  return new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
}

/** True when the error means the database could not be reached (as opposed to a bad query). */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    // Connection refused/reset, and Postgres classes 08 (connection) and 57P (shutdown).
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code)) return true;
    if (code.startsWith('08') || code.startsWith('57P')) return true;
  }
  const message = error instanceof Error ? error.message : '';
  return /timeout exceeded when trying to connect|Connection terminated|connection is closed/i.test(message);
}
