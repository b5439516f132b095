import type {} from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import pg from 'pg';
import { createDatabase, type Database } from './database';
import { migrateToLatest } from './migrate';
import { PGliteDialect } from './pglite-dialect';

/**
 * Test databases: migrated once per run into a template, then copied for each test file.
 * With DATABASE_URL (a real Postgres server) the template is a database cloned with
 * CREATE DATABASE … TEMPLATE; otherwise it is a PGlite data-dir dump loaded per file.
 */
export type TestDatabaseTemplate =
  | { kind: 'postgres'; serverUrl: string; template: string; prefix: string }
  | { kind: 'pglite'; dumpPath: string };

/** The same server's URL with another database name. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Runs `work` on one short-lived connection to the server (for CREATE/DROP DATABASE). */
export async function admin<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates the run's template database; call once from vitest's globalSetup. */
export async function createTestDatabaseTemplate(serverUrl: string | undefined): Promise<TestDatabaseTemplate> {
  if (serverUrl) {
    const prefix = `apptest_${process.pid}_${randomBytes(3).toString('hex')}`;
    const template = `${prefix}_template`;
    await admin(serverUrl, (c) => c.query(`create database ${template}`));
    const db = await createDatabase({ url: withDatabase(serverUrl, template), poolSize: 1 });
    await migrateToLatest(db);
    await db.destroy();
    return { kind: 'postgres', serverUrl, template, prefix };
  }
  const pglite = await PGlite.create();
  const db = new Kysely<any>({ dialect: new PGliteDialect(pglite) });
  await migrateToLatest(db);
  const dump = await pglite.dumpDataDir('none');
  await db.destroy();
  const dumpPath = join(tmpdir(), `apptest-${process.pid}-${randomBytes(3).toString('hex')}.tar`);
  await writeFile(dumpPath, Buffer.from(await dump.arrayBuffer()));
  return { kind: 'pglite', dumpPath };
}

/** Removes the template and any test database a crashed worker left behind. */
export async function dropTestDatabaseTemplate(template: TestDatabaseTemplate): Promise<void> {
  if (template.kind === 'pglite') return rm(template.dumpPath, { force: true });
  await admin(template.serverUrl, async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      `select datname from pg_database where datname like $1`,
      [`${template.prefix}%`],
    );
    for (const { datname } of rows) await c.query(`drop database if exists ${datname} with (force)`);
  });
}

export interface TestDatabase {
  db: Database;
  /** Connection string of this copy (only with a real Postgres server). */
  url: string | undefined;
  close(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file. */
export async function openTestDatabase(template: TestDatabaseTemplate): Promise<TestDatabase> {
  if (template.kind === 'pglite') {
    const dump = new Blob([await readFile(template.dumpPath)]);
    const db = await createDatabase({ loadDataDir: dump });
    return { db, url: undefined, close: () => db.destroy() };
  }
  const name = `${template.prefix}_${randomBytes(4).toString('hex')}`;
  await admin(template.serverUrl, (c) => c.query(`create database ${name} template ${template.template}`));
  const url = withDatabase(template.serverUrl, name);
  const db = await createDatabase({ url, poolSize: 5 });
  return {
    db,
    url,
    close: async () => {
      await db.destroy();
      await admin(template.serverUrl, (c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabaseTemplate: TestDatabaseTemplate;
  }
}
