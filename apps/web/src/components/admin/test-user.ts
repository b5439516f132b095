import type { AdminUser } from '../../trpc';

/** An admin-list user for tests: active, signed in on two devices, unless `overrides` say otherwise. */
export function testUser(id: string, overrides: Partial<AdminUser> = {}): AdminUser {
  return {
    id,
    email: `${id}@example.com`,
    role: 'user',
    status: 'active',
    createdAt: '2025-11-26T14:00:00.000Z',
    lastSignInAt: null,
    timezone: null,
    activeSessions: 2,
    delivery: { lastDeliveredAt: null, lastBouncedAt: null, bounceType: null, complainedAt: null, suppressedAt: null, suppressionReason: null },
    ...overrides,
  };
}
