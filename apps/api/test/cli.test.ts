import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const apiDir = resolve(import.meta.dirname, '..');
const dataDir = mkdtempSync(join(tmpdir(), 'cli-'));

/** `pnpm cli …` as a person runs it, on an embedded database of its own. */
function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: apiDir,
    env: { PATH: process.env.PATH, NODE_ENV: 'development', DATA_DIR: dataDir },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('pnpm cli', () => {
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
