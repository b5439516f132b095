import { beforeEach, describe, expect, it } from 'vitest';
import { addUser, createSession, invalidateSessionToken, validateSessionToken } from '../src/index';
import { type TestDeps, useDatabaseSuite } from './helpers';

const meta = { ip: '203.0.113.7', userAgent: 'vitest' };
const DAY = 86_400;
let deps: TestDeps;
let userId: string;

const suite = useDatabaseSuite();
beforeEach(async () => {
  deps = suite.deps;
  userId = (await addUser(suite.db, 'sam@example.com', 'user', new Date())).user.id;
});

async function lastSeen(id: string) {
  return (await suite.db.selectFrom('sessions').select(['last_seen_at', 'expires_at']).where('id', '=', id).executeTakeFirstOrThrow());
}

describe('sessions', () => {
  it('stores only the id and a SHA-256 of the secret', async () => {
    const { token, session } = await createSession(suite.db, deps, userId, meta);
    const [id, secret] = token.split('.');
    expect(session.id).toBe(id);
    expect(secret!.length).toBeGreaterThanOrEqual(26); // ≥ 128 bits at 5 bits a character
    const row = await suite.db.selectFrom('sessions').selectAll().where('id', '=', id!).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(Buffer.from(row.secret_hash)).toHaveLength(32);
  });

  it('refuses a token with the right id and a wrong secret', async () => {
    const { token } = await createSession(suite.db, deps, userId, meta);
    const [id, secret] = token.split('.') as [string, string];
    const tampered = `${id}.${secret.slice(0, -1)}${secret.endsWith('a') ? 'b' : 'a'}`;
    expect(await validateSessionToken(suite.db, deps, tampered)).toEqual({ session: null, user: null });
    expect((await validateSessionToken(suite.db, deps, token)).user?.id).toBe(userId);
  });

  it('expires after 30 days without use', async () => {
    const { token } = await createSession(suite.db, deps, userId, meta);
    deps.clock.advance(30 * DAY - 1);
    expect((await validateSessionToken(suite.db, deps, token)).session).not.toBeNull();
    const { token: idle } = await createSession(suite.db, deps, userId, meta);
    deps.clock.advance(30 * DAY + 1);
    expect((await validateSessionToken(suite.db, deps, idle)).session).toBeNull();
  });

  it('writes the activity refresh at most once an hour', async () => {
    const { token, session } = await createSession(suite.db, deps, userId, meta);
    const created = await lastSeen(session.id);
    deps.clock.advance(59 * 60);
    await validateSessionToken(suite.db, deps, token);
    expect(await lastSeen(session.id)).toEqual(created);
    deps.clock.advance(2 * 60);
    await validateSessionToken(suite.db, deps, token);
    const refreshed = await lastSeen(session.id);
    expect(refreshed.last_seen_at.getTime()).toBe(deps.now().getTime());
    expect(refreshed.expires_at.getTime()).toBe(deps.now().getTime() + 30 * DAY * 1000);
  });

  it('ends after 90 days however active it is', async () => {
    const { token } = await createSession(suite.db, deps, userId, meta);
    for (let day = 0; day < 89; day += 10) {
      deps.clock.advance(10 * DAY);
      if (day + 10 < 90) expect((await validateSessionToken(suite.db, deps, token)).session).not.toBeNull();
    }
    deps.clock.advance(1 * DAY);
    expect((await validateSessionToken(suite.db, deps, token)).session).toBeNull();
  });

  it('reads the role from the database on every validation', async () => {
    const { token } = await createSession(suite.db, deps, userId, meta);
    expect((await validateSessionToken(suite.db, deps, token)).user?.role).toBe('user');
    await suite.db.updateTable('users').set({ role: 'admin' }).where('id', '=', userId).execute();
    expect((await validateSessionToken(suite.db, deps, token)).user?.role).toBe('admin');
  });

  it('refuses the sessions of a deactivated user', async () => {
    const { token } = await createSession(suite.db, deps, userId, meta);
    await suite.db.updateTable('users').set({ status: 'deactivated' }).where('id', '=', userId).execute();
    expect((await validateSessionToken(suite.db, deps, token)).session).toBeNull();
  });

  it('invalidates only with the right secret', async () => {
    const { token } = await createSession(suite.db, deps, userId, meta);
    const [id] = token.split('.') as [string];
    expect(await invalidateSessionToken(suite.db, `${id}.${'a'.repeat(26)}`)).toBeNull();
    expect(await invalidateSessionToken(suite.db, token)).toEqual({ userId });
    expect((await validateSessionToken(suite.db, deps, token)).session).toBeNull();
  });

  it('ignores malformed tokens of every shape', async () => {
    for (const bad of [undefined, null, '', 'x', 'a.b', 42, {}, `${'a'.repeat(24)}.${'a'.repeat(200)}`, '../../etc/passwd']) {
      expect(await validateSessionToken(suite.db, deps, bad)).toEqual({ session: null, user: null });
    }
  });
});
