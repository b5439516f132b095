import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openTestDatabase, type TestDatabase } from '@app/db/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const apiDir = resolve(import.meta.dirname, '..');
let database: { DATABASE_URL: string } | { DATA_DIR: string };
let copy: TestDatabase | undefined;

// An empty database of its own: on the Postgres server when tests use one, else embedded in a temp dir.
beforeAll(async () => {
  const template = inject('testDatabaseTemplate');
  if (template.kind === 'postgres') {
    copy = await openTestDatabase(template);
    await copy.db.schema.dropSchema('public').cascade().execute();
    await copy.db.schema.createSchema('public').execute();
    database = { DATABASE_URL: copy.url! };
  } else {
    database = { DATA_DIR: mkdtempSync(join(tmpdir(), 'cli-')) };
  }
});
afterAll(() => copy?.close());

/** `pnpm cli …` as a person runs it. */
function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: apiDir,
    env: { PATH: process.env.PATH, NODE_ENV: 'development', ...database },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

// Each command is a process of its own (tsx, then the database): seconds each on a busy machine.
describe('pnpm cli', { timeout: 120_000 }, () => {
  it('migrates, adds users and changes a role', () => {
    expect(cli('migrate')).toMatchObject({ code: 0, out: expect.stringContaining('applied: 2026_11_26_0001_initial') });
    expect(cli('migrate')).toMatchObject({ code: 0, out: expect.stringContaining('already up to date') });
    expect(cli('users', 'add', ' Boss@Example.com ', '--role', 'admin')).toMatchObject({
      code: 0,
      out: expect.stringContaining('created: boss@example.com (admin, invited)'),
    });
    expect(cli('users', 'add', 'boss@example.com', '--role', 'user').out).toContain('updated: boss@example.com (user, invited)');
    expect(cli('users', 'add', 'worker@example.com').out).toContain('created: worker@example.com (user, invited)');
  });

  it('explains bad commands and input, with a non-zero exit', () => {
    expect(cli('users', 'add', 'not-an-email')).toMatchObject({ code: 2, err: expect.stringContaining('invalid_email') });
    expect(cli('users', 'add', 'x@example.com', '--role', 'owner')).toMatchObject({ code: 2, err: expect.stringContaining('--role must be one of: admin, user') });
    expect(cli('frobnicate')).toMatchObject({ code: 2, err: expect.stringContaining('Usage:') });
  });

  it('reverts the latest migration', () => {
    cli('migrate');
    expect(cli('migrate', 'down')).toMatchObject({ code: 0, out: expect.stringContaining('reverted: 2026_11_26_0002_limits_and_admin') });
    expect(cli('migrate')).toMatchObject({ code: 0, out: expect.stringContaining('applied: 2026_11_26_0002_limits_and_admin') });
  });
});
