import { mkdirSync } from 'node:fs';
import { Kysely, type LogConfig, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import { TransactionLockedMigrationsAdapter } from './migrate';
import { PGliteDialect } from './pglite-dialect';
import { isPreparedStatementConflict, isStalePreparedStatement, PreparedStatementsUnsupportedError, StatementNames } from './prepared-statements';
import type { DB } from './schema';

export type Database = Kysely<DB>;

/** What a query runs on: the database or a transaction (a Transaction<DB> is a Kysely<DB>). */
export type Executor = Kysely<DB>;

export interface DatabaseOptions {
  /** Postgres connection string; without it an embedded PGlite database is used. */
  url?: string | undefined;
  /** Where the embedded database keeps its files; omitted means in memory. */
  dataDir?: string | undefined;
  /** A tarball from PGlite's dumpDataDir() to start the embedded database from. */
  loadDataDir?: Blob | undefined;
  /** Connections in the pg pool. */
  poolSize?: number | undefined;
  /** Run repeated statements as named prepared statements (default); false for a transaction-mode pooler without support for them. */
  preparedStatements?: boolean | undefined;
  /** Kysely's query log: called for every statement run (the benchmark counts them with it). */
  log?: LogConfig | undefined;
  /** Give up connecting (or waiting for a free pooled connection) after this long; default 3 s. */
  connectTimeoutMs?: number | undefined;
  /** Give up on a query whose answer has not arrived after this long; default 10 s. */
  queryTimeoutMs?: number | undefined;
}

// int8 (ids, counts) arrive as strings from pg; make PGlite agree so rows look the same on both.
const INT8_OID = 20;

/** Opens the database: Postgres through `pg` when a URL is given, otherwise embedded PGlite. */
export async function createDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      // Fail fast instead of queueing forever while the server is stopped or unreachable: a request
      // then gets 503 `unavailable` in seconds, and a query lost in a network partition is abandoned.
      connectionTimeoutMillis: options.connectTimeoutMs ?? 3_000,
      query_timeout: options.queryTimeoutMs ?? 10_000,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
    });
    // A client losing its server must not crash the process; the next query reconnects. The pool
    // listens on idle clients only, so checked-out clients get a listener of their own.
    pool.on('error', () => {});
    pool.on('connect', (client) => client.on('error', () => {}));
    return new Kysely<DB>({
      dialect: new PooledPostgresDialect({ pool: discardingBrokenConnections(pool, options.preparedStatements === false ? null : new StatementNames()) }),
      ...(options.log ? { log: options.log } : {}),
    });
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  // Loaded only here: a server on Postgres never pays for the embedded database (about 0.5 s of start-up).
  const { PGlite } = await import('@electric-sql/pglite');
  const pglite = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    parsers: { [INT8_OID]: (value: string) => value },
  });
  return new Kysely<DB>({ dialect: new PGliteDialect(pglite), ...(options.log ? { log: options.log } : {}) });
}

/** Postgres through `pg`, with migrations locked inside their transaction (see migrate.ts). */
class PooledPostgresDialect extends PostgresDialect {
  override createAdapter() {
    return new TransactionLockedMigrationsAdapter();
  }
}

/**
 * Hands out pooled clients that are destroyed instead of reused once a query on them found the
 * server unreachable: a client whose query timed out still waits for that answer, and would stall
 * every later query given to it until the operating system gives up on the socket.
 */
function discardingBrokenConnections(pool: pg.Pool, statementNames: StatementNames | null): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      let broken = false;
      // Kysely calls only query(sql, parameters) here: no cursor is configured, so no streaming.
      const query = (sql: string, parameters: ReadonlyArray<unknown>) => {
        const name = statementNames?.nameFor(sql);
        return client.query({ text: sql, values: [...parameters], ...(name ? { name } : {}) }).catch((error: unknown) => {
          // A connection whose prepared statements went stale is replaced; the next one prepares afresh.
          if (isDatabaseUnavailable(error) || isStalePreparedStatement(error)) broken = true;
          if (isPreparedStatementConflict(error)) {
            broken = true;
            throw new PreparedStatementsUnsupportedError(error);
          }
          throw error;
        });
      };
      return { query: query as unknown as PostgresPoolClient['query'], release: (destroy?: boolean) => client.release(destroy || broken) };
    },
    end: () => pool.end(),
  };
}

/** True when the error is Postgres refusing a duplicate in a unique index (SQLSTATE 23505). */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23505';
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
  return /timeout exceeded when trying to connect|Connection terminated|connection is closed|Query read timeout|not queryable/i.test(message);
}
