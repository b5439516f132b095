import type * as Crypto from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TestDatabase } from '@app/db/testing';

// Watch every constant-time comparison the auth code makes.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof Crypto>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const { timingSafeEqual } = await import('node:crypto');
const { addUser, codeMatchesAny, createSession, hashCode, secretMatches, hashSecret, validateSessionToken } = await import('../src/index');
const { testDeps, useTestDatabase } = await import('./helpers');

const compare = vi.mocked(timingSafeEqual);
let t: TestDatabase;

beforeAll(async () => {
  t = await useTestDatabase();
});
afterAll(() => t.close());
beforeEach(() => {
  compare.mockClear();
});

/** The lengths of the two sides of every comparison made since the last clear. */
function comparedLengths(): Array<[number, number]> {
  return compare.mock.calls.map(([a, b]) => [(a as Uint8Array).byteLength, (b as Uint8Array).byteLength]);
}

describe('secrets are compared in constant time, as fixed-length digests', () => {
  it('compares SHA-256 digests of a secret, whatever the presented secret looks like', () => {
    const stored = hashSecret('abcdefghijkmnpqrstuvwxyz23');
    for (const presented of ['abcdefghijkmnpqrstuvwxyz23', 'bbcdefghijkmnpqrstuvwxyz23', 'abcdefghijkmnpqrstuvwxyz22', 'x', '']) {
      compare.mockClear();
      secretMatches(presented, stored);
      // One comparison, always of two 32-byte digests: how much of the secret is right cannot show.
      expect(comparedLengths()).toEqual([[32, 32]]);
    }
  });

  it('refuses a session token with the right id and a wrong secret through that comparison', async () => {
    const deps = testDeps();
    const { user } = await addUser(t.db, 'timing@example.com', 'user', new Date());
    const { token } = await createSession(t.db, deps, user.id, { ip: null, userAgent: null });
    const [id, secret] = token.split('.') as [string, string];
    compare.mockClear();
    const forged = `${id}.${secret.startsWith('a') ? 'b' : 'a'}${secret.slice(1)}`;
    expect((await validateSessionToken(t.db, deps, forged)).session).toBeNull();
    expect(comparedLengths()).toEqual([[32, 32]]);
  });

  it('compares a code with every live code hash, even after a match', () => {
    const hashes = ['111111', '222222', '333333'].map((code) => hashCode('secret', 'attempt', code));
    expect(codeMatchesAny('secret', 'attempt', '111111', hashes)).toBe(true);
    expect(comparedLengths()).toEqual([
      [32, 32],
      [32, 32],
      [32, 32],
    ]);
  });
});
