import { describe, expect, it } from 'vitest';
import { type RedirectStorage, rememberRedirect, takeRedirect } from './pending-redirect';

function memoryStorage(): RedirectStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

describe('the redirect kept for the sign-in link', () => {
  it('is taken once', () => {
    const storage = memoryStorage();
    rememberRedirect(storage, '/admin/users?page=2');
    expect(takeRedirect(storage)).toBe('/admin/users?page=2');
    expect(takeRedirect(storage)).toBe('/dashboard');
  });

  it('is never an unsafe target, on the way in or out', () => {
    const storage = memoryStorage();
    rememberRedirect(storage, '//evil.com');
    expect(storage.items.size).toBe(0);
    storage.setItem('sign-in-redirect', 'https://evil.com/');
    expect(takeRedirect(storage)).toBe('/dashboard');
  });

  it('is forgotten when a later code request had none', () => {
    const storage = memoryStorage();
    rememberRedirect(storage, '/admin/audit');
    rememberRedirect(storage, undefined);
    expect(takeRedirect(storage)).toBe('/dashboard');
  });

  it('falls back to the dashboard when storage refuses', () => {
    const refusing: RedirectStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    };
    expect(() => rememberRedirect(refusing, '/admin/users')).not.toThrow();
    expect(takeRedirect(refusing)).toBe('/dashboard');
    expect(takeRedirect(null)).toBe('/dashboard');
  });
});
