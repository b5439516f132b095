import { TRPCClientError } from '@trpc/client';
import { describe, expect, it, vi } from 'vitest';
import type { AccountSession } from '../../trpc';
import { type AccountSessionsApi, revokedOthersMessage, useAccountSessions } from './account-sessions';

function session(id: string, current = false): AccountSession {
  return {
    id,
    createdAt: '2025-11-01T00:00:00Z',
    lastSeenAt: current ? '2025-11-26T00:00:00Z' : '2025-11-20T00:00:00Z',
    expiresAt: '2026-01-01T00:00:00Z',
    ip: '203.0.113.7',
    device: id === 'phone' ? 'Safari on iOS' : 'Chrome on Linux',
    current,
  };
}

function setup() {
  const api = {
    list: vi.fn<AccountSessionsApi['list']>(async () => ({ items: [session('phone'), session('here', true), session('laptop')] })),
    revoke: vi.fn<AccountSessionsApi['revoke']>(async () => ({ ok: true })),
    revokeOthers: vi.fn<AccountSessionsApi['revokeOthers']>(async () => ({ revoked: 2 })),
  };
  const onRefused = vi.fn(async (_err: unknown) => false);
  return { api, onRefused, sessions: useAccountSessions(api, onRefused) };
}

describe('useAccountSessions', () => {
  it('lists this device first', async () => {
    const { sessions } = setup();
    await sessions.load();
    expect(sessions.loaded.value).toBe(true);
    expect(sessions.sessions.value[0]?.id).toBe('here');
  });

  it('signs out one other session and names its device', async () => {
    const { api, sessions } = setup();
    await sessions.load();
    await sessions.revoke(session('phone'));
    expect(api.revoke).toHaveBeenCalledWith({ id: 'phone' });
    expect(sessions.sessions.value.map((s) => s.id)).not.toContain('phone');
    expect(sessions.notice.value).toBe('Signed out the session on Safari on iOS.');
  });

  it('signs out everywhere else, keeping this device, and says how many', async () => {
    const { sessions } = setup();
    await sessions.load();
    await sessions.revokeOthers();
    expect(sessions.sessions.value.map((s) => s.id)).toEqual(['here']);
    expect(sessions.notice.value).toBe('Signed out 2 other sessions.');
    expect(sessions.revokingOthers.value).toBe(false);
  });

  it('keeps the list and explains a failure', async () => {
    const { api, sessions } = setup();
    await sessions.load();
    api.revoke.mockRejectedValueOnce(TRPCClientError.from(new TypeError('Failed to fetch')));
    await sessions.revoke(session('phone'));
    expect(sessions.sessions.value).toHaveLength(3);
    expect(sessions.error.value).toContain('couldn’t reach the server');
    expect(sessions.revokingId.value).toBeNull();
  });

  it('lets onRefused take a refusal (this session ended) without a message', async () => {
    const { api, onRefused, sessions } = setup();
    api.list.mockRejectedValueOnce(new Error('unauthenticated'));
    onRefused.mockResolvedValueOnce(true);
    await sessions.load();
    expect(onRefused).toHaveBeenCalledOnce();
    expect(sessions.error.value).toBe('');
  });
});

describe('revokedOthersMessage', () => {
  it.each([
    [0, 'You weren’t signed in anywhere else.'],
    [1, 'Signed out 1 other session.'],
    [3, 'Signed out 3 other sessions.'],
  ])('%d → %s', (count, words) => {
    expect(revokedOthersMessage(count)).toBe(words);
  });
});
