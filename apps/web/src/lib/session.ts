import { inject, readonly, shallowRef } from 'vue';
import type { DeepReadonly, InjectionKey, Ref } from 'vue';
import type { SessionUser } from '../trpc';

export type SessionStore = {
  /** The signed-in user, or null when signed out or not yet known. */
  readonly user: DeepReadonly<Ref<SessionUser | null>>;
  /** The cached user; asks the server only the first time (or after a failed attempt). */
  ensure(): Promise<SessionUser | null>;
  /** Asks the server again, e.g. right after signing in. */
  refresh(): Promise<SessionUser | null>;
  /** Forgets the user after signing out, without another round trip. */
  clear(): void;
};

/** A tiny reactive store around `auth.me`; the fetcher is passed in so tests need no server. */
export function createSessionStore(fetchMe: () => Promise<SessionUser | null>): SessionStore {
  const user = shallowRef<SessionUser | null>(null);
  let known = false;
  let pending: Promise<SessionUser | null> | null = null;

  function refresh(): Promise<SessionUser | null> {
    // Concurrent callers (guard + page) share one request.
    pending ??= fetchMe()
      .then((me) => {
        user.value = me;
        known = true;
        return me;
      })
      .finally(() => {
        pending = null;
      });
    return pending;
  }

  return {
    user: readonly(user),
    ensure: () => (known ? Promise.resolve(user.value) : refresh()),
    refresh,
    clear() {
      user.value = null;
      known = true;
    },
  };
}

export const sessionKey: InjectionKey<SessionStore> = Symbol('session');

/** The app's session store, provided once in main.ts. */
export function useSession(): SessionStore {
  const session = inject(sessionKey);
  if (!session) throw new Error('useSession() called outside the app (no session store provided)');
  return session;
}
