import { describe, expect, it, vi } from 'vitest';
import type { SessionUser } from '../trpc';
import { createSessionStore } from './session';

const ada: SessionUser = { id: 'u1', email: 'ada@example.com', role: 'admin', timezone: 'Europe/London' };

describe('createSessionStore', () => {
  it('asks the server once and then answers from the cache', async () => {
    const fetchMe = vi.fn(async () => ada);
    const session = createSessionStore(fetchMe);

    expect(session.user.value).toBeNull();
    expect(await session.ensure()).toEqual(ada);
    expect(await session.ensure()).toEqual(ada);
    expect(session.user.value).toEqual(ada);
    expect(fetchMe).toHaveBeenCalledTimes(1);
  });

  it('caches a signed-out answer too', async () => {
    const fetchMe = vi.fn(async () => null);
    const session = createSessionStore(fetchMe);

    expect(await session.ensure()).toBeNull();
    expect(await session.ensure()).toBeNull();
    expect(fetchMe).toHaveBeenCalledTimes(1);
  });

  it('shares one request between concurrent callers', async () => {
    const fetchMe = vi.fn(async () => ada);
    const session = createSessionStore(fetchMe);

    const [a, b] = await Promise.all([session.ensure(), session.refresh()]);
    expect(a).toEqual(ada);
    expect(b).toEqual(ada);
    expect(fetchMe).toHaveBeenCalledTimes(1);
  });

  it('picks up a new sign-in on refresh', async () => {
    const fetchMe = vi.fn<() => Promise<SessionUser | null>>().mockResolvedValueOnce(null).mockResolvedValueOnce(ada);
    const session = createSessionStore(fetchMe);

    expect(await session.ensure()).toBeNull();
    expect(await session.refresh()).toEqual(ada);
    expect(session.user.value).toEqual(ada);
  });

  it('forgets the user on clear without asking the server', async () => {
    const fetchMe = vi.fn(async () => ada);
    const session = createSessionStore(fetchMe);
    await session.ensure();

    session.clear();
    expect(session.user.value).toBeNull();
    expect(await session.ensure()).toBeNull();
    expect(fetchMe).toHaveBeenCalledTimes(1);
  });

  it('does not cache a failure, so the next navigation tries again', async () => {
    const fetchMe = vi
      .fn<() => Promise<SessionUser | null>>()
      .mockRejectedValueOnce(new TypeError('Failed to fetch'))
      .mockResolvedValueOnce(ada);
    const session = createSessionStore(fetchMe);

    await expect(session.ensure()).rejects.toThrow('Failed to fetch');
    expect(await session.ensure()).toEqual(ada);
  });
});
