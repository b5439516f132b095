import { describe, expect, it, vi } from 'vitest';
import { createAppInfoStore } from './app-info';

describe('createAppInfoStore', () => {
  it('asks the server once, shares the answer, and has no name until then', async () => {
    const fetchInfo = vi.fn(async () => ({ name: 'Acme' }));
    const store = createAppInfoStore(fetchInfo);
    expect(store.name.value).toBeNull();
    await Promise.all([store.load(), store.load()]);
    await store.load();
    expect(store.name.value).toBe('Acme');
    expect(fetchInfo).toHaveBeenCalledTimes(1);
  });

  it('asks again after a failure, without throwing', async () => {
    const fetchInfo = vi.fn<() => Promise<{ name: string }>>().mockRejectedValueOnce(new TypeError('offline')).mockResolvedValue({ name: 'Acme' });
    const store = createAppInfoStore(fetchInfo);
    await expect(store.load()).resolves.toBeUndefined();
    expect(store.name.value).toBeNull();
    await store.load();
    expect(store.name.value).toBe('Acme');
    expect(fetchInfo).toHaveBeenCalledTimes(2);
  });
});
