import { describe, expect, it } from 'vitest';
import { decideAccess } from './access';
import { roleIncludes } from './roles';

const admin = { role: 'admin', status: 'active' } as const;
const user = { role: 'user', status: 'active' } as const;

describe('decideAccess', () => {
  it('lets anyone through public procedures', () => {
    expect(decideAccess(null, 'public')).toEqual({ ok: true });
  });
  it('needs a session for signed-in procedures', () => {
    expect(decideAccess(null, 'signed-in')).toEqual({ ok: false, reason: 'unauthenticated' });
    expect(decideAccess(user, 'signed-in')).toEqual({ ok: true });
    expect(decideAccess({ role: 'user', status: 'invited' }, 'signed-in')).toEqual({ ok: true });
  });
  it('lets only admins through admin procedures', () => {
    expect(decideAccess(null, 'admin')).toEqual({ ok: false, reason: 'unauthenticated' });
    expect(decideAccess(user, 'admin')).toEqual({ ok: false, reason: 'forbidden' });
    expect(decideAccess(admin, 'admin')).toEqual({ ok: true });
    expect(decideAccess(admin, 'user')).toEqual({ ok: true });
  });
  it('treats a deactivated account as signed out', () => {
    expect(decideAccess({ role: 'admin', status: 'deactivated' }, 'admin')).toEqual({ ok: false, reason: 'unauthenticated' });
  });
});

describe('roleIncludes (the one rank order, shared with the web app)', () => {
  it('gives admins every user power, but not the other way round', () => {
    expect(roleIncludes('admin', 'admin')).toBe(true);
    expect(roleIncludes('admin', 'user')).toBe(true);
    expect(roleIncludes('user', 'user')).toBe(true);
    expect(roleIncludes('user', 'admin')).toBe(false);
  });
});
