import { describe, expect, it } from 'vitest';
import type { AdminUser } from '../../trpc';
import { PAGE_SIZE, prependUser, replaceUser, sessionCount, userListInput, withoutUser } from './users';

function user(id: string, overrides: Partial<AdminUser> = {}): AdminUser {
  return {
    id,
    email: `${id}@example.com`,
    role: 'user',
    status: 'active',
    createdAt: '2025-11-26T14:00:00.000Z',
    lastSignInAt: null,
    timezone: null,
    activeSessions: 0,
    ...overrides,
  };
}

describe('userListInput', () => {
  it('sends only the filters that are set', () => {
    expect(userListInput({ search: '', role: '', status: '' })).toEqual({ limit: PAGE_SIZE });
  });

  it('trims the search and passes role, status and cursor', () => {
    expect(userListInput({ search: '  ada ', role: 'admin', status: 'invited' }, 'next-1')).toEqual({
      search: 'ada',
      role: 'admin',
      status: 'invited',
      cursor: 'next-1',
      limit: PAGE_SIZE,
    });
  });

  it('does not search for blanks', () => {
    expect(userListInput({ search: '   ', role: '', status: 'deactivated' })).toEqual({
      status: 'deactivated',
      limit: PAGE_SIZE,
    });
  });
});

describe('list changes', () => {
  const items = [user('a'), user('b'), user('c')];

  it('replaces the changed user in place', () => {
    const changed = user('b', { role: 'admin' });
    const next = replaceUser(items, changed);
    expect(next.map((u) => u.role)).toEqual(['user', 'admin', 'user']);
    expect(items[1]?.role).toBe('user');
  });

  it('removes a user', () => {
    expect(withoutUser(items, 'b').map((u) => u.id)).toEqual(['a', 'c']);
  });

  it('puts an invited user on top, once', () => {
    expect(prependUser(items, user('new')).map((u) => u.id)).toEqual(['new', 'a', 'b', 'c']);
    expect(prependUser(items, user('c')).map((u) => u.id)).toEqual(['c', 'a', 'b']);
  });
});

describe('sessionCount', () => {
  it.each([
    [0, '0 sessions'],
    [1, '1 session'],
    [2, '2 sessions'],
  ])('%d → %s', (count, words) => {
    expect(sessionCount(count)).toBe(words);
  });
});
