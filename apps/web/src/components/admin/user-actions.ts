import { reactive, readonly, ref } from 'vue';
import type { Role } from '../../lib/access';
import { describeError, messageFor } from '../../lib/messages';
import type { AdminUser, Invitation } from '../../trpc';
import { prependUser, replaceUser, sessionCount, withoutUser } from './users';

export type InviteInput = { email: string; role: Role; sendEmail: boolean };
type UserRef = { userId: string };

/** The `admin.users` mutations the users page makes; passed in so tests need no server. */
export type UserActionsApi = {
  invite(input: InviteInput): Promise<Invitation>;
  setRole(input: UserRef & { role: Role }): Promise<{ user: AdminUser }>;
  deactivate(input: UserRef): Promise<{ user: AdminUser }>;
  reactivate(input: UserRef): Promise<{ user: AdminUser }>;
  remove(input: UserRef): Promise<unknown>;
  revokeSessions(input: UserRef): Promise<{ revoked: number }>;
  changeEmail(input: UserRef & { email: string }): Promise<{ user: AdminUser }>;
  clearSuppression(input: UserRef): Promise<{ user: AdminUser }>;
};

type ListChanges = { update(change: (items: readonly AdminUser[]) => readonly AdminUser[]): void };

const asRole = (role: Role) => (role === 'admin' ? 'an admin' : 'a user');

/**
 * What an admin can do to users, with one busy flag per row and one message at a time. Changes
 * are applied to the list from the server's answer; every failure becomes words from the catalogue,
 * unless `onRefused` takes it (the admin's own session or role is gone).
 */
export function useUserActions(
  api: UserActionsApi,
  list: ListChanges,
  onRefused: (err: unknown) => boolean | Promise<boolean> = () => false,
) {
  const busy = reactive(new Set<string>());
  const error = ref('');
  const notice = ref('');
  const inviting = ref(false);
  const inviteError = ref('');
  const inviteNotice = ref('');

  async function explain(err: unknown, into: typeof error) {
    if (!(await onRefused(err))) into.value = describeError(err);
  }

  async function run<R>(user: AdminUser, call: () => Promise<R>, done: (result: R) => string): Promise<boolean> {
    if (busy.has(user.id)) return false;
    busy.add(user.id);
    error.value = '';
    notice.value = '';
    try {
      notice.value = done(await call());
      return true;
    } catch (err) {
      await explain(err, error);
      return false;
    } finally {
      busy.delete(user.id);
    }
  }

  const replaced = (updated: AdminUser) => list.update((items) => replaceUser(items, updated));

  return {
    busy: readonly(busy),
    error: readonly(error),
    notice: readonly(notice),
    inviting: readonly(inviting),
    inviteError: readonly(inviteError),
    inviteNotice: readonly(inviteNotice),

    setRole: (user: AdminUser, role: Role) =>
      run(user, () => api.setRole({ userId: user.id, role }), ({ user: updated }) => {
        replaced(updated);
        return `${updated.email} is now ${asRole(updated.role)}.`;
      }),

    deactivate: (user: AdminUser) =>
      run(user, () => api.deactivate({ userId: user.id }), ({ user: updated }) => {
        replaced(updated);
        return `Deactivated ${updated.email}. They were signed out and can’t sign in until reactivated.`;
      }),

    reactivate: (user: AdminUser) =>
      run(user, () => api.reactivate({ userId: user.id }), ({ user: updated }) => {
        replaced(updated);
        return `Reactivated ${updated.email}. They can sign in again.`;
      }),

    remove: (user: AdminUser) =>
      run(user, () => api.remove({ userId: user.id }), () => {
        list.update((items) => withoutUser(items, user.id));
        return `Removed ${user.email}.`;
      }),

    revokeSessions: (user: AdminUser) =>
      run(user, () => api.revokeSessions({ userId: user.id }), ({ revoked }) => {
        replaced({ ...user, activeSessions: 0 });
        return `Signed ${user.email} out of ${sessionCount(revoked)}.`;
      }),

    /** Resolves to true when the address was changed (or already was this one), so the dialog can close. */
    changeEmail: (user: AdminUser, email: string) =>
      run(user, () => api.changeEmail({ userId: user.id, email: email.trim() }), ({ user: updated }) => {
        replaced(updated);
        if (updated.email === user.email) return `${user.email} already has this address.`;
        return `Changed ${user.email} to ${updated.email}. They were signed out everywhere, and both addresses were emailed.`;
      }),

    clearSuppression: (user: AdminUser) =>
      run(user, () => api.clearSuppression({ userId: user.id }), ({ user: updated }) => {
        replaced(updated);
        return `Email to ${updated.email} is on again, and the email provider was asked to deliver to it.`;
      }),

    /** Resolves to true when the user was invited, so the form can clear itself. */
    async invite(input: InviteInput): Promise<boolean> {
      if (inviting.value) return false;
      inviteError.value = '';
      inviteNotice.value = '';
      const email = input.email.trim();
      if (!email) {
        inviteError.value = messageFor({ reason: 'missing_email' });
        return false;
      }
      inviting.value = true;
      try {
        const { user, email: invitation } = await api.invite({ ...input, email });
        list.update((items) => prependUser(items, user));
        const invited = `Invited ${user.email} as ${asRole(user.role)}`;
        inviteNotice.value = {
          queued: `${invited} and emailed them an invitation.`,
          not_asked: `${invited}. No email was sent; they can sign in with this address.`,
          suppressed: `${invited}. No invitation was sent: email to this address bounced before. Lift the suppression once their mailbox works.`,
        }[invitation];
        return true;
      } catch (err) {
        await explain(err, inviteError);
        return false;
      } finally {
        inviting.value = false;
      }
    },

    /** The email was edited: an error about the old one no longer applies. */
    editInvite() {
      inviteError.value = '';
    },

    /** The list shows other users now (filters changed): the last action's message goes with them. */
    dismiss() {
      error.value = '';
      notice.value = '';
    },
  };
}

export type UserActions = ReturnType<typeof useUserActions>;
