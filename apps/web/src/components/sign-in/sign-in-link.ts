import { readonly, ref } from 'vue';
import { type ErrorInfo, messageFor, readError } from '../../lib/messages';
import type { VerifyLinkResult } from '../../trpc';
import { browserTimeZone } from './sign-in-flow';

/** The call the link page makes; passed in so the page's logic can be tested without a server. */
export type SignInLinkApi = {
  verifyLink(input: { token: string; timezone: string }): Promise<VerifyLinkResult>;
};

/** The token in a link's fragment (`#<token>`), or null when there is none. */
export function tokenFromHash(hash: string): string | null {
  const token = hash.replace(/^#/, '').trim();
  return token === '' ? null : token;
}

// Answers that may change if asked again; every other refusal is final for this link.
const transient = new Set(['network', 'unavailable', 'unknown', 'rate_limited']);

/**
 * State of the sign-in link page. The token is read from the fragment and the fragment dropped
 * from the address bar (out of history, bookmarks and a copied URL) before anything is sent; the
 * one call is a POST. `wrong_browser` has a state of its own: the page explains it in words.
 */
export function useSignInLink(api: SignInLinkApi, link: { hash: string; clearHash: () => Promise<unknown> }, timeZone: () => string = browserTimeZone) {
  const token = tokenFromHash(link.hash);
  const state = ref<'verifying' | 'wrong_browser' | 'failed'>('verifying');
  const error = ref('');
  const canRetry = ref(false);
  const cleared = link.clearHash();
  let busy = false;

  function refused(info: ErrorInfo): false {
    state.value = info.reason === 'wrong_browser' ? 'wrong_browser' : 'failed';
    error.value = messageFor(info);
    canRetry.value = transient.has(info.reason);
    return false;
  }

  /** Redeems the link; on success awaits `onVerified` (navigation) while the page says it is busy. */
  async function verify(onVerified: (result: VerifyLinkResult) => Promise<void>): Promise<boolean> {
    if (busy) return false;
    busy = true;
    state.value = 'verifying';
    error.value = '';
    canRetry.value = false;
    try {
      await cleared;
      if (token === null) return refused({ reason: 'missing_link' });
      const result = await api.verifyLink({ token, timezone: timeZone() });
      await onVerified(result);
      return true;
    } catch (err) {
      return refused(readError(err));
    } finally {
      busy = false;
    }
  }

  return { state: readonly(state), error: readonly(error), canRetry: readonly(canRetry), verify };
}
