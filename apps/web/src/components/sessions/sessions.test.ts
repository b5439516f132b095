import { describe, expect, it } from 'vitest';
import type { AccountSession } from '../../trpc';
import { orderSessions } from './sessions';

function session(id: string, lastSeenAt: string, current = false): AccountSession {
  return {
    id,
    createdAt: '2025-11-01T00:00:00Z',
    lastSeenAt,
    expiresAt: '2026-01-01T00:00:00Z',
    ip: '127.0.0.1',
    device: 'Chrome on Linux',
    current,
  };
}

describe('orderSessions', () => {
  it('puts this device first, then the most recently seen', () => {
    const items = [
      session('old', '2025-11-02T00:00:00Z'),
      session('here', '2025-11-01T00:00:00Z', true),
      session('recent', '2025-11-20T00:00:00Z'),
    ];
    expect(orderSessions(items).map((s) => s.id)).toEqual(['here', 'recent', 'old']);
    expect(items.map((s) => s.id)).toEqual(['old', 'here', 'recent']);
  });
});
