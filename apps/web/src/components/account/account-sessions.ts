import { readonly, ref, shallowRef } from 'vue';
import { describeError } from '../../lib/messages';
import type { AccountSession } from '../../trpc';
import { orderSessions } from '../sessions/sessions';

/** The `account.sessions` calls; passed in so tests need no server. */
export type AccountSessionsApi = {
  list(): Promise<{ items: AccountSession[] }>;
  revoke(input: { id: string }): Promise<unknown>;
  revokeOthers(): Promise<{ revoked: number }>;
};

/** "Signed out 2 other sessions." after "Sign out everywhere else". */
export function revokedOthersMessage(revoked: number): string {
  if (revoked === 0) return 'You weren’t signed in anywhere else.';
  return revoked === 1 ? 'Signed out 1 other session.' : `Signed out ${revoked} other sessions.`;
}

/**
 * The signed-in user's own sessions: list, end one, end all but this one. Failures become words,
 * unless `onRefused` takes them (this session itself has ended).
 */
export function useAccountSessions(
  api: AccountSessionsApi,
  onRefused: (err: unknown) => boolean | Promise<boolean> = () => false,
) {
  const sessions = shallowRef<readonly AccountSession[]>([]);
  const loaded = ref(false);
  const loading = ref(false);
  const revokingId = ref<string | null>(null);
  const revokingOthers = ref(false);
  const error = ref('');
  const notice = ref('');

  async function attempt(work: () => Promise<string | void>) {
    error.value = '';
    notice.value = '';
    try {
      notice.value = (await work()) ?? '';
    } catch (err) {
      if (!(await onRefused(err))) error.value = describeError(err);
    }
  }

  async function load() {
    loading.value = true;
    await attempt(async () => {
      sessions.value = orderSessions((await api.list()).items);
      loaded.value = true;
    });
    loading.value = false;
  }

  async function revoke(session: AccountSession) {
    if (revokingId.value || revokingOthers.value) return;
    revokingId.value = session.id;
    await attempt(async () => {
      await api.revoke({ id: session.id });
      sessions.value = sessions.value.filter((s) => s.id !== session.id);
      return `Signed out the session on ${session.device}.`;
    });
    revokingId.value = null;
  }

  async function revokeOthers() {
    if (revokingId.value || revokingOthers.value) return;
    revokingOthers.value = true;
    await attempt(async () => {
      const { revoked } = await api.revokeOthers();
      sessions.value = sessions.value.filter((s) => s.current);
      return revokedOthersMessage(revoked);
    });
    revokingOthers.value = false;
  }

  return {
    sessions,
    loaded: readonly(loaded),
    loading: readonly(loading),
    revokingId: readonly(revokingId),
    revokingOthers: readonly(revokingOthers),
    error: readonly(error),
    notice: readonly(notice),
    load,
    revoke,
    revokeOthers,
  };
}
