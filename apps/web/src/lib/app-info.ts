import { inject, readonly, shallowRef } from 'vue';
import type { DeepReadonly, InjectionKey, Ref } from 'vue';

export type AppInfo = { name: string };

export type AppInfoStore = {
  /** The app's name (APP_NAME), or null until the server has said it. */
  readonly name: DeepReadonly<Ref<string | null>>;
  /** Asks the server once (again only after a failure); every caller shares the answer. */
  load(): Promise<void>;
};

/** What the deployment is called, from `app.info`; the fetcher is passed in so tests need no server. */
export function createAppInfoStore(fetchInfo: () => Promise<AppInfo>): AppInfoStore {
  const name = shallowRef<string | null>(null);
  let pending: Promise<void> | null = null;
  return {
    name: readonly(name),
    load() {
      pending ??= fetchInfo().then(
        (info) => {
          name.value = info.name;
        },
        () => {
          // Unreachable for now: the header goes without the name, and the next page asks again.
          pending = null;
        },
      );
      return pending;
    },
  };
}

export const appInfoKey: InjectionKey<AppInfoStore> = Symbol('app-info');

/** The app's info store, provided once in main.ts. */
export function useAppInfo(): AppInfoStore {
  const store = inject(appInfoKey);
  if (!store) throw new Error('useAppInfo() called outside the app (no app info store provided)');
  return store;
}
