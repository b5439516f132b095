import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createDatabase, type Database } from '@app/db';
import { openTestDatabase, type TestDatabase } from '@app/db/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const apiDir = resolve(import.meta.dirname, '..');
let database: { DATABASE_URL: string } | { DATA_DIR: string };
let copy: TestDatabase | undefined;
let dataDir = '';

// An empty database of its own: on the Postgres server when tests use one, else embedded in a temp dir.
beforeAll(async () => {
  const template = inject('testDatabaseTemplate');
  if (template.kind === 'postgres') {
    copy = await openTestDatabase(template);
    await copy.db.schema.dropSchema('public').cascade().execute();
    await copy.db.schema.createSchema('public').execute();
    database = { DATABASE_URL: copy.url! };
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'cli-'));
    database = { DATA_DIR: dataDir };
  }
});
afterAll(() => copy?.close());

/** Uses the CLI's database between commands (the embedded one is opened and closed again). */
async function onDatabase<T>(use: (db: Database) => Promise<T>): Promise<T> {
  if (copy) return use(copy.db);
  const db = await createDatabase({ dataDir });
  try {
    return await use(db);
  } finally {
    await db.destroy();
  }
}

/** `pnpm cli …` as a person runs it. */
function cli(env: Record<string, string>, ...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: apiDir,
    env: { PATH: process.env.PATH, NODE_ENV: 'development', ...database, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

// Each command is a process of its own (tsx, then the database): seconds each on a busy machine.
describe('pnpm cli', { timeout: 120_000 }, () => {
  it('migrates, adds users and changes a role, each in the audit log', async () => {
    expect(cli({}, 'migrate')).toMatchObject({ code: 0, out: expect.stringContaining('applied: 2026_11_26_0001_initial') });
    expect(cli({}, 'migrate')).toMatchObject({ code: 0, out: expect.stringContaining('already up to date') });
    expect(cli({}, 'users', 'add', ' Boss@Example.com ', '--role', 'admin')).toMatchObject({
      code: 0,
      out: expect.stringContaining('created: boss@example.com (admin, invited)'),
    });
    expect(cli({}, 'users', 'add', 'boss@example.com', '--role', 'user').out).toContain('updated: boss@example.com (user, invited)');
    expect(cli({}, 'users', 'add', 'worker@example.com').out).toContain('created: worker@example.com (user, invited)');
    // Each change is in the audit log, by the CLI, with no signed-in actor.
    const audit = await onDatabase((db) => db.selectFrom('audit_events').select(['type', 'email', 'actor_user_id', 'data']).orderBy('id').execute());
    expect(audit).toEqual([
      { type: 'user_invited', email: 'boss@example.com', actor_user_id: null, data: { role: 'admin', emailSent: false, by: 'cli' } },
      { type: 'role_changed', email: 'boss@example.com', actor_user_id: null, data: { from: 'admin', to: 'user', by: 'cli' } },
      { type: 'user_invited', email: 'worker@example.com', actor_user_id: null, data: { role: 'user', emailSent: false, by: 'cli' } },
    ]);
  });

  it('cleans up, printing what it removed', async () => {
    await onDatabase(async (db) => {
      await db.insertInto('rate_limits').values([{ key: 'old', tat: new Date('2020-01-01T00:00:00Z') }, { key: 'live', tat: new Date('2999-01-01T00:00:00Z') }]).execute();
      await db.insertInto('users').values({ email: 'stale@example.com', role: 'user', created_at: new Date('2020-01-01T00:00:00Z') }).execute();
      const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
      await db.insertInto('audit_events').values([daysAgo(12), daysAgo(8)].map((at) => ({ type: 'sign_in_succeeded', created_at: at }))).execute();
    });
    const result = cli({ AUDIT_RETENTION_DAYS: '10' }, 'cleanup');
    expect(result.code).toBe(0);
    expect(result.out).toContain('removed 1 idle rate-limit rows');
    expect(result.out).toContain('removed 1 expired invitations');
    expect(result.out).toContain('removed 0 expired sessions');
    expect(result.out).toContain('removed 1 audit events older than AUDIT_RETENTION_DAYS');
  });

  it('refuses a bad command at once, with the reason and the usage, without opening the database', () => {
    // Pointed at a database that cannot exist: a refusal that opened it would fail differently.
    const bad = cli({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }, 'users', 'add', 'not-an-email');
    expect(bad).toMatchObject({ code: 2, out: '' });
    expect(bad.err).toContain('"not-an-email" is not an email address (invalid_email)');
    expect(bad.err).toContain('Usage:');
    expect(cli({}, 'help')).toMatchObject({ code: 0, out: expect.stringContaining('pnpm cli users add EMAIL') });
  });

  it('reverts the latest migration', () => {
    // The newest migration file, by its timestamped name (the static list in migrate.ts ends with it).
    const latest = readdirSync(resolve(apiDir, '../../packages/db/src/migrations')).sort().at(-1)!.replace(/\.ts$/, '');
    cli({}, 'migrate');
    expect(cli({}, 'migrate', 'down')).toMatchObject({ code: 0, out: expect.stringContaining(`reverted: ${latest}`) });
    expect(cli({}, 'migrate')).toMatchObject({ code: 0, out: expect.stringContaining(`applied: ${latest}`) });
  });
});
