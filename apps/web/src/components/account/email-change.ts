import { readonly, ref } from 'vue';
import type { ConfirmEmailChangeResult, RequestEmailChangeResult, SessionUser } from '../../trpc';
import { useSignInFlow } from '../sign-in/sign-in-flow';

/** The `account.email` calls; passed in so tests need no server. */
export type EmailChangeApi = {
  requestChange(input: { newEmail: string }): Promise<RequestEmailChangeResult>;
  confirmChange(input: { code: string }): Promise<ConfirmEmailChangeResult>;
};

/**
 * "Change email" on the account page: closed, then the new address, then the code sent to it,
 * with the sign-in page's rules (a resend countdown, a code checked for shape before it is sent,
 * every failure in words). The same flow as signing in, so it is the same code.
 */
export function useEmailChange(api: EmailChangeApi) {
  const flow = useSignInFlow({
    requestCode: ({ email }) => api.requestChange({ newEmail: email }),
    verifyCode: ({ code }) => api.confirmChange({ code }),
  });
  const open = ref(false);
  const changed = ref('');

  function reset() {
    flow.changeEmail();
    flow.email.value = '';
  }

  return {
    ...flow,
    open: readonly(open),
    /** What the last confirmed change did, for the page's status line. */
    changed: readonly(changed),
    start() {
      reset();
      changed.value = '';
      open.value = true;
    },
    cancel() {
      reset();
      open.value = false;
    },
    /** Confirms the code; `onChanged` (refresh the session, the sessions list) runs before the form closes. */
    confirm(onChanged: (user: SessionUser) => Promise<void>): Promise<boolean> {
      return flow.verify(async ({ user }) => {
        await onChanged(user);
        reset();
        open.value = false;
        changed.value = `Your email address is now ${user.email}. We emailed your old address about it and signed you out everywhere else.`;
      });
    },
  };
}
