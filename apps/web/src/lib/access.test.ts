import { describe, expect, it } from 'vitest';
import { accessRedirect, redirectForRefusal } from './access';

const dashboard = { fullPath: '/dashboard?tab=profile', meta: { requiresAuth: true } };
const users = { fullPath: '/admin/users?role=admin', meta: { requiresRole: 'admin' as const } };
const signIn = { fullPath: '/sign-in', meta: { guestOnly: true } };
const mailbox = { fullPath: '/dev/mailbox', meta: {} };
const admin = { role: 'admin' as const };
const member = { role: 'user' as const };

describe('accessRedirect', () => {
  it('sends a signed-out visitor to sign-in, remembering the full path', () => {
    expect(accessRedirect(dashboard, null)).toEqual({
      path: '/sign-in',
      query: { redirect: '/dashboard?tab=profile' },
    });
  });

  it('lets a signed-in user through to a signed-in page', () => {
    expect(accessRedirect(dashboard, member)).toBe(true);
    expect(accessRedirect(dashboard, admin)).toBe(true);
  });

  it('sends a signed-out visitor away from an admin page to sign-in, not to /no-access', () => {
    expect(accessRedirect(users, null)).toEqual({
      path: '/sign-in',
      query: { redirect: '/admin/users?role=admin' },
    });
  });

  it('sends a signed-in user without the role to /no-access', () => {
    expect(accessRedirect(users, member)).toEqual({ path: '/no-access' });
  });

  it('lets an admin through to an admin page', () => {
    expect(accessRedirect(users, admin)).toBe(true);
  });

  it('sends a signed-in user away from the sign-in page to the dashboard', () => {
    expect(accessRedirect(signIn, member)).toEqual({ path: '/dashboard' });
  });

  it('shows the sign-in page to a signed-out visitor', () => {
    expect(accessRedirect(signIn, null)).toBe(true);
  });

  it('leaves public pages open to everyone', () => {
    expect(accessRedirect(mailbox, null)).toBe(true);
    expect(accessRedirect(mailbox, member)).toBe(true);
  });
});

describe('redirectForRefusal', () => {
  it('sends someone whose session ended to sign-in, to come back afterwards', () => {
    expect(redirectForRefusal('unauthenticated', '/admin/users')).toEqual({
      path: '/sign-in',
      query: { redirect: '/admin/users' },
    });
  });

  it('sends someone who lost the role to /no-access', () => {
    expect(redirectForRefusal('forbidden', '/admin/audit')).toEqual({ path: '/no-access' });
  });

  it('leaves other failures to the page', () => {
    for (const reason of ['last_admin', 'already_exists', 'not_found', 'network', 'unknown']) {
      expect(redirectForRefusal(reason, '/admin/users')).toBeNull();
    }
  });
});
