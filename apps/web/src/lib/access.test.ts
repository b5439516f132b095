import { describe, expect, it } from 'vitest';
import { accessRedirect } from './access';

const dashboard = { fullPath: '/dashboard?tab=profile', meta: { requiresAuth: true } };
const signIn = { fullPath: '/sign-in', meta: { guestOnly: true } };
const mailbox = { fullPath: '/dev/mailbox', meta: {} };

describe('accessRedirect', () => {
  it('sends a signed-out visitor to sign-in, remembering the full path', () => {
    expect(accessRedirect(dashboard, false)).toEqual({
      path: '/sign-in',
      query: { redirect: '/dashboard?tab=profile' },
    });
  });

  it('lets a signed-in user through to a signed-in page', () => {
    expect(accessRedirect(dashboard, true)).toBe(true);
  });

  it('sends a signed-in user away from the sign-in page to the dashboard', () => {
    expect(accessRedirect(signIn, true)).toEqual({ path: '/dashboard' });
  });

  it('shows the sign-in page to a signed-out visitor', () => {
    expect(accessRedirect(signIn, false)).toBe(true);
  });

  it('leaves public pages open to everyone', () => {
    expect(accessRedirect(mailbox, false)).toBe(true);
    expect(accessRedirect(mailbox, true)).toBe(true);
  });
});
