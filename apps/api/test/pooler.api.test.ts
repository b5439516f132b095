import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { createDatabase, type Database, migrateDown, migrateToLatest } from '@app/db';
import { admin, openTestDatabase, withDatabase } from '@app/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApiProcess } from './support/api-process';
import { startFakePostmark } from './support/fake-postmark';
import { POSTMARK_TOKEN, startInstance, testEnv } from './support/instance';
import { type PgBouncer, pgbouncerMissing, startPgBouncer } from './support/pgbouncer';
import { describeTwoInstances } from './support/two-instances';

/*
 * Behind PgBouncer in transaction mode (Debian's 1.18, without prepared-statement support): each
 * transaction, and each statement outside one, may run on another server connection.
 */
const template = inject('testDatabaseTemplate');
const serverUrl = template.kind === 'postgres' ? template.serverUrl : undefined;
const missing = pgbouncerMissing(serverUrl);
const apiDir = resolve(import.meta.dirname, '..');
const pooled = { preparedStatements: false, poolSize: 5 } as const;

let bouncer: PgBouncer;
beforeAll(async () => {
  if (!missing) bouncer = await startPgBouncer(serverUrl!, { poolSize: 4 });
});
afterAll(() => bouncer?.stop());

/** An empty database on the server, dropped after the file (a crashed run's is dropped with the template). */
async function emptyDatabase(): Promise<{ direct: string; pooled: string }> {
  if (template.kind !== 'postgres') throw new Error('needs a Postgres server');
  const name = `${template.prefix}_pooler_${randomBytes(3).toString('hex')}`;
  await admin(template.serverUrl, (c) => c.query(`create database ${name}`));
  created.push(name);
  const direct = withDatabase(template.serverUrl, name);
  return { direct, pooled: bouncer.through(direct) };
}
const created: string[] = [];
afterAll(async () => {
  if (template.kind !== 'postgres') return;
  for (const name of created) await admin(template.serverUrl, (c) => c.query(`drop database if exists ${name} with (force)`));
});

/** `pnpm cli …` as an operator runs it, on `databaseUrl`. */
function cli(databaseUrl: string, env: Record<string, string>, ...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: apiDir,
    env: { PATH: process.env.PATH, NODE_ENV: 'development', DATABASE_URL: databaseUrl, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe.skipIf(missing)(`behind PgBouncer in transaction mode${missing ? ` (${missing})` : ''}`, { timeout: 120_000 }, () => {
  it('stops with what to set when prepared statements are on, and runs with DATABASE_PREPARED_STATEMENTS=false', async () => {
    const url = (await emptyDatabase()).pooled;
    expect(cli(url, {}, 'migrate')).toMatchObject({ code: 0, out: expect.stringContaining('applied:') });
    // The next process meets the statement names the first one left on the pooler's server connections.
    const second = cli(url, {}, 'migrate');
    expect(second.code).toBe(1);
    expect(second.err).toMatch(/prepared statement "s\d+" (already exists|does not exist)/);
    expect(second.err).toContain('Set DATABASE_PREPARED_STATEMENTS=false');
    expect(second.err).not.toMatch(/^\s+at /m);

    const env = testEnv('http://127.0.0.1:9', { DATABASE_URL: url });
    await expect(startApiProcess({ env })).rejects.toThrow(/Set DATABASE_PREPARED_STATEMENTS=false/);

    const off = { DATABASE_PREPARED_STATEMENTS: 'false' };
    expect(cli(url, off, 'migrate')).toMatchObject({ code: 0, out: expect.stringContaining('already up to date') });
    expect(cli(url, off, 'users', 'add', 'ops@example.com')).toMatchObject({ code: 0, out: expect.stringContaining('created: ops@example.com') });
    const server = await startApiProcess({ env: { ...env, ...off } });
    await server.stop();
  });

  it('migrates once when instances start at once, and down and up again, leaving no lock behind', async () => {
    const urls = await emptyDatabase();
    const dbs: Database[] = [];
    try {
      for (let i = 0; i < 4; i++) dbs.push(await createDatabase({ url: urls.pooled, ...pooled, poolSize: 1 }));
      const applied = await Promise.all(dbs.map((db) => migrateToLatest(db)));
      // One instance applies every migration; the others wait for its lock and find nothing to do.
      expect(applied.filter((names) => names.length === 0)).toHaveLength(3);
      expect(applied.flat()).toContain('2026_11_26_0001_initial');
      const reverted = await migrateDown(dbs[0]!);
      expect(reverted).toBe(applied.flat().at(-1));
      expect(await migrateToLatest(dbs[1]!)).toEqual([reverted]);
      const { rows } = await sql<{ held: string }>`
        select count(*) as held from pg_locks
        where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`.execute(dbs[2]!);
      expect(rows[0]?.held).toBe('0');
    } finally {
      await Promise.all(dbs.map((db) => db.destroy()));
    }
  });

  it('answers a request whose prepared statement the pooler lost with a 500, logs what to set, and recovers', async () => {
    // One process alone, prepared statements on, behind a pooler with one server connection: it
    // works until the pooler replaces that connection, and then its next named statement is missing.
    const single = await startPgBouncer(serverUrl!, { poolSize: 1 });
    const database = await openTestDatabase(template);
    const db = await createDatabase({ url: single.through(database.url!), poolSize: 1 });
    const postmark = await startFakePostmark({ serverToken: POSTMARK_TOKEN });
    const instance = await startInstance({ db, postmark, env: { AUTH_RESEND_COOLDOWN_SECONDS: '0', AUTH_LIMIT_CODES_PER_EMAIL: '100/1h' } });
    const requestCode = () => instance.browser().mutate('auth.requestCode', { email: 'admin@app.test' });
    try {
      expect([(await requestCode()).status, (await requestCode()).status]).toEqual([200, 200]);
      // Only requests use the connection from here on: the email worker polls on it too.
      await instance.server.worker.stop();
      const name = new URL(database.url!).pathname.slice(1);
      await admin(serverUrl!, (c) => c.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [name]));
      // Until the pooler has seen its server connection close, the next query would go down the
      // dying one and fail as the database being away (503), not as the missing statement.
      await expect.poll(() => single.serverConnections(name), { timeout: 10_000 }).toBe(0);
      const lost = await requestCode();
      expect([lost.status, lost.body?.error?.data?.reason]).toEqual([500, 'internal']);
      const logged = instance.logs.find((l) => l.message === 'procedure failed');
      expect(String(logged?.fields.error)).toMatch(/^Postgres answered "prepared statement "s\d+" does not exist".*Set DATABASE_PREPARED_STATEMENTS=false/s);
      expect(String(logged?.fields.error)).not.toMatch(/^\s+at /m);
      // The connection that lost it is replaced; the next one prepares afresh.
      expect((await requestCode()).status).toBe(200);
    } finally {
      await instance.close();
      await db.destroy();
      await postmark.close();
      await database.close();
      await single.stop();
    }
  });

  describeTwoInstances('two instances through the pooler', true, async () => {
    const database = await openTestDatabase(template);
    const first = await createDatabase({ url: bouncer.through(database.url!), ...pooled });
    const second = await createDatabase({ url: bouncer.through(database.url!), ...pooled });
    return {
      first,
      second,
      directUrl: database.url,
      async close() {
        await first.destroy();
        await second.destroy();
        await database.close();
      },
    };
  });
});
