import { readonly, ref } from 'vue';
import { describeError } from '../../lib/messages';

/**
 * Signing out from anywhere (the header, the dashboard): the call, then `signedOut` (forget the
 * user, go to the sign-in page) while the button stays busy; a failure becomes words.
 */
export function useSignOut(signOut: () => Promise<unknown>, signedOut: () => Promise<unknown>) {
  const busy = ref(false);
  const error = ref('');

  async function run(): Promise<boolean> {
    if (busy.value) return false;
    busy.value = true;
    error.value = '';
    try {
      await signOut();
      await signedOut();
      return true;
    } catch (err) {
      error.value = describeError(err);
      return false;
    } finally {
      busy.value = false;
    }
  }

  return { busy: readonly(busy), error: readonly(error), signOut: run };
}
