import { describe, expect, it } from 'vitest';
import { testUser } from './test-user';
import { PAGE_SIZE, prependUser, replaceUser, sessionCount, userListInput, withoutUser } from './users';

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
  const items = [testUser('a'), testUser('b'), testUser('c')];

  it('replaces the changed user in place', () => {
    const changed = testUser('b', { role: 'admin' });
    const next = replaceUser(items, changed);
    expect(next.map((u) => u.role)).toEqual(['user', 'admin', 'user']);
    expect(items[1]?.role).toBe('user');
  });

  it('removes a user', () => {
    expect(withoutUser(items, 'b').map((u) => u.id)).toEqual(['a', 'c']);
  });

  it('puts an invited user on top, once', () => {
    expect(prependUser(items, testUser('new')).map((u) => u.id)).toEqual(['new', 'a', 'b', 'c']);
    expect(prependUser(items, testUser('c')).map((u) => u.id)).toEqual(['c', 'a', 'b']);
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
