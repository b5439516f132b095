import { describe, expect, it } from 'vitest';
import { checkLastAdmin, isActiveAdmin } from './last-admin';

const demoted = { role: 'user', status: 'active' } as const;
const deactivated = { role: 'admin', status: 'deactivated' } as const;
const stillAdmin = { role: 'admin', status: 'active' } as const;

describe('isActiveAdmin', () => {
  it('counts only admins who can sign in now', () => {
    expect(isActiveAdmin({ role: 'admin', status: 'active' })).toBe(true);
    expect(isActiveAdmin({ role: 'admin', status: 'invited' })).toBe(false);
    expect(isActiveAdmin({ role: 'admin', status: 'deactivated' })).toBe(false);
    expect(isActiveAdmin({ role: 'user', status: 'active' })).toBe(false);
  });
});

describe('checkLastAdmin', () => {
  it('refuses to demote, deactivate or remove the only active admin', () => {
    for (const after of [demoted, deactivated, null]) {
      expect(checkLastAdmin({ activeAdminIds: ['a'], targetId: 'a', after })).toEqual({ ok: false, reason: 'last_admin' });
    }
  });

  it('allows it while another active admin remains', () => {
    for (const after of [demoted, deactivated, null]) {
      expect(checkLastAdmin({ activeAdminIds: ['a', 'b'], targetId: 'a', after })).toEqual({ ok: true });
    }
  });

  it('allows changes that keep the only admin an active admin', () => {
    expect(checkLastAdmin({ activeAdminIds: ['a'], targetId: 'a', after: stillAdmin })).toEqual({ ok: true });
  });

  it('does not guard users who are not active admins', () => {
    expect(checkLastAdmin({ activeAdminIds: ['a'], targetId: 'invited-admin', after: null })).toEqual({ ok: true });
    expect(checkLastAdmin({ activeAdminIds: ['a'], targetId: 'user', after: deactivated })).toEqual({ ok: true });
  });

  it('does not block changes when no active admin exists at all (the CLI is the way back in)', () => {
    expect(checkLastAdmin({ activeAdminIds: [], targetId: 'a', after: null })).toEqual({ ok: true });
  });
});
