import { TRPCClientError } from '@trpc/client';
import { describe, expect, it, vi } from 'vitest';
import type { AdminUser } from '../../trpc';
import { testUser } from './test-user';
import { useUserActions, type UserActionsApi } from './user-actions';

function reasonError(reason: string, code = 'CONFLICT') {
  return TRPCClientError.from({ error: { code: -32600, message: reason, data: { code, reason } } });
}

function setup(initial: AdminUser[] = [testUser('ada'), testUser('bob')]) {
  let items: readonly AdminUser[] = initial;
  const list = { update: (change: (items: readonly AdminUser[]) => readonly AdminUser[]) => void (items = change(items)) };
  const api = {
    invite: vi.fn<UserActionsApi['invite']>(async (input) => ({
      user: testUser('new', { email: input.email, role: input.role, status: 'invited' }),
      email: input.sendEmail ? ('queued' as const) : ('not_asked' as const),
    })),
    setRole: vi.fn<UserActionsApi['setRole']>(async ({ userId, role }) => ({ user: testUser(userId, { role }) })),
    deactivate: vi.fn<UserActionsApi['deactivate']>(async ({ userId }) => ({ user: testUser(userId, { status: 'deactivated', activeSessions: 0 }) })),
    reactivate: vi.fn<UserActionsApi['reactivate']>(async ({ userId }) => ({ user: testUser(userId, { status: 'active' }) })),
    remove: vi.fn<UserActionsApi['remove']>(async () => ({ ok: true })),
    revokeSessions: vi.fn<UserActionsApi['revokeSessions']>(async () => ({ revoked: 2 })),
    changeEmail: vi.fn<UserActionsApi['changeEmail']>(async ({ userId, email }) => ({ user: testUser(userId, { email, activeSessions: 0 }) })),
    clearSuppression: vi.fn<UserActionsApi['clearSuppression']>(async ({ userId }) => ({ user: testUser(userId) })),
  };
  const onRefused = vi.fn(async (_err: unknown) => false);
  const actions = useUserActions(api, list, onRefused);
  return { api, actions, onRefused, items: () => items };
}

describe('row actions', () => {
  it('changes an address, trimmed, and says what followed', async () => {
    const { api, actions, items } = setup();
    expect(await actions.changeEmail(testUser('bob'), '  bob.fixed@example.com ')).toBe(true);
    expect(api.changeEmail).toHaveBeenCalledWith({ userId: 'bob', email: 'bob.fixed@example.com' });
    expect(items().find((u) => u.id === 'bob')).toMatchObject({ email: 'bob.fixed@example.com', activeSessions: 0 });
    expect(actions.notice.value).toBe('Changed bob@example.com to bob.fixed@example.com. They were signed out everywhere, and both addresses were emailed.');
  });

  it('says when an address is in use, changing nothing', async () => {
    const { api, actions, items } = setup();
    api.changeEmail.mockRejectedValueOnce(reasonError('already_exists'));
    expect(await actions.changeEmail(testUser('bob'), 'ada@example.com')).toBe(false);
    expect(actions.error.value).toBe('A user with this email already exists.');
    expect(items().find((u) => u.id === 'bob')?.email).toBe('bob@example.com');
  });

  it('changes a role and shows the server’s copy of the user', async () => {
    const { api, actions, items } = setup();
    expect(await actions.setRole(testUser('bob'), 'admin')).toBe(true);
    expect(api.setRole).toHaveBeenCalledWith({ userId: 'bob', role: 'admin' });
    expect(items().find((u) => u.id === 'bob')?.role).toBe('admin');
    expect(actions.notice.value).toBe('bob@example.com is now an admin.');
  });

  it('explains why the last admin cannot be demoted and leaves the list alone', async () => {
    const { api, actions, items } = setup([testUser('ada', { role: 'admin' })]);
    api.setRole.mockRejectedValueOnce(reasonError('last_admin'));
    expect(await actions.setRole(testUser('ada', { role: 'admin' }), 'user')).toBe(false);
    expect(actions.error.value).toBe('You can’t demote, deactivate or remove the last active admin.');
    expect(items()[0]?.role).toBe('admin');
  });

  it('deactivates and reactivates', async () => {
    const { actions, items } = setup();
    await actions.deactivate(testUser('bob'));
    expect(items().find((u) => u.id === 'bob')).toMatchObject({ status: 'deactivated', activeSessions: 0 });
    expect(actions.notice.value).toContain('Deactivated bob@example.com');
    await actions.reactivate(testUser('bob', { status: 'deactivated' }));
    expect(items().find((u) => u.id === 'bob')?.status).toBe('active');
    expect(actions.notice.value).toContain('Reactivated bob@example.com');
  });

  it('lifts a suppression and shows the server’s copy of the user', async () => {
    const suppressed = { ...testUser('bob').delivery, suppressedAt: '2026-12-03T10:00:00.000Z', suppressionReason: 'HardBounce' };
    const { api, actions, items } = setup([testUser('ada'), testUser('bob', { delivery: suppressed })]);
    expect(await actions.clearSuppression(testUser('bob', { delivery: suppressed }))).toBe(true);
    expect(api.clearSuppression).toHaveBeenCalledWith({ userId: 'bob' });
    expect(items().find((u) => u.id === 'bob')?.delivery.suppressedAt).toBeNull();
    expect(actions.notice.value).toBe('Email to bob@example.com is on again, and the email provider was asked to deliver to it.');
  });

  it('explains why a suppression stays when the email provider refuses to lift it', async () => {
    const { api, actions } = setup();
    api.clearSuppression.mockRejectedValueOnce(reasonError('reactivation_failed', 'BAD_GATEWAY'));
    expect(await actions.clearSuppression(testUser('bob'))).toBe(false);
    expect(actions.error.value).toMatch(/^The email provider didn’t reactivate this address/);
  });

  it('removes a user from the list', async () => {
    const { actions, items } = setup();
    await actions.remove(testUser('bob'));
    expect(items().map((u) => u.id)).toEqual(['ada']);
    expect(actions.notice.value).toBe('Removed bob@example.com.');
  });

  it('says how many sessions were revoked and shows none left', async () => {
    const { actions, items } = setup();
    await actions.revokeSessions(testUser('bob'));
    expect(items().find((u) => u.id === 'bob')?.activeSessions).toBe(0);
    expect(actions.notice.value).toBe('Signed bob@example.com out of 2 sessions.');
  });

  it('marks the row busy and ignores a second click meanwhile', async () => {
    const { api, actions } = setup();
    const first = actions.deactivate(testUser('bob'));
    expect(actions.busy.has('bob')).toBe(true);
    expect(await actions.deactivate(testUser('bob'))).toBe(false);
    await first;
    expect(actions.busy.has('bob')).toBe(false);
    expect(api.deactivate).toHaveBeenCalledTimes(1);
  });

  it('clears the previous message when a new action starts', async () => {
    const { api, actions } = setup();
    api.remove.mockRejectedValueOnce(reasonError('not_found', 'NOT_FOUND'));
    await actions.remove(testUser('bob'));
    expect(actions.error.value).toContain('couldn’t find');
    await actions.reactivate(testUser('bob'));
    expect(actions.error.value).toBe('');
  });

  it('drops the last message when told the list changed', async () => {
    const { api, actions } = setup();
    api.setRole.mockRejectedValueOnce(reasonError('last_admin'));
    await actions.setRole(testUser('ada'), 'user');
    expect(actions.error.value).not.toBe('');
    actions.dismiss();
    expect(actions.error.value).toBe('');
    await actions.reactivate(testUser('bob'));
    expect(actions.notice.value).not.toBe('');
    actions.dismiss();
    expect(actions.notice.value).toBe('');
  });

  it('hands a refusal (session ended, role taken away) to onRefused instead of a message', async () => {
    const { api, actions, onRefused } = setup();
    const refusal = reasonError('forbidden', 'FORBIDDEN');
    api.deactivate.mockRejectedValueOnce(refusal);
    onRefused.mockResolvedValueOnce(true);
    await actions.deactivate(testUser('bob'));
    expect(onRefused).toHaveBeenCalledWith(refusal);
    expect(actions.error.value).toBe('');
  });
});

describe('inviting', () => {
  it('invites with the trimmed email, puts the user on top and says an email went out', async () => {
    const { api, actions, items } = setup();
    expect(await actions.invite({ email: ' newbie@example.com ', role: 'user', sendEmail: true })).toBe(true);
    expect(api.invite).toHaveBeenCalledWith({ email: 'newbie@example.com', role: 'user', sendEmail: true });
    expect(items()[0]?.email).toBe('newbie@example.com');
    expect(actions.inviteNotice.value).toBe('Invited newbie@example.com as a user and emailed them an invitation.');
  });

  it('says so when no email was sent', async () => {
    const { actions } = setup();
    await actions.invite({ email: 'boss@example.com', role: 'admin', sendEmail: false });
    expect(actions.inviteNotice.value).toContain('as an admin. No email was sent');
  });

  it('says when the address is suppressed and no invitation went out', async () => {
    const { api, actions } = setup();
    api.invite.mockResolvedValueOnce({ user: testUser('new', { email: 'bounced@example.com', status: 'invited' }), email: 'suppressed' });
    expect(await actions.invite({ email: 'bounced@example.com', role: 'user', sendEmail: true })).toBe(true);
    expect(actions.inviteNotice.value).toBe(
      'Invited bounced@example.com as a user. No invitation was sent: email to this address bounced before. Lift the suppression once their mailbox works.',
    );
  });

  it('asks for an email before calling the server', async () => {
    const { api, actions } = setup();
    expect(await actions.invite({ email: '  ', role: 'user', sendEmail: true })).toBe(false);
    expect(actions.inviteError.value).toBe('Please enter your email address.');
    expect(api.invite).not.toHaveBeenCalled();
  });

  it('explains an address that is already taken', async () => {
    const { api, actions, items } = setup();
    api.invite.mockRejectedValueOnce(reasonError('already_exists'));
    expect(await actions.invite({ email: 'ada@example.com', role: 'user', sendEmail: true })).toBe(false);
    expect(actions.inviteError.value).toBe('A user with this email already exists.');
    expect(items()).toHaveLength(2);
    expect(actions.inviting.value).toBe(false);
  });

  it('drops an error about the email once it is edited, and keeps a success notice', async () => {
    const { api, actions } = setup();
    api.invite.mockRejectedValueOnce(reasonError('already_exists'));
    await actions.invite({ email: 'ada@example.com', role: 'user', sendEmail: true });
    actions.editInvite();
    expect(actions.inviteError.value).toBe('');
    await actions.invite({ email: 'newbie@example.com', role: 'user', sendEmail: true });
    actions.editInvite();
    expect(actions.inviteNotice.value).toContain('Invited newbie@example.com');
  });
});
