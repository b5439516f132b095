import { computed, readonly, ref, shallowRef } from 'vue';
import { describeError } from './messages';

/** One page of a cursor-paged API answer. */
export type Page<T> = { items: T[]; nextCursor: string | null };

export type PagedListOptions = {
  /** Sees every failure first; returns true when it dealt with it (e.g. left the page), so no message shows. */
  onError?: (err: unknown) => boolean | Promise<boolean>;
};

/**
 * A list loaded page by page through `nextCursor`. `reload` starts over (after a filter change);
 * answers to requests that a later `reload` overtook are ignored, so a slow old page never
 * replaces a newer one.
 */
export function usePagedList<T extends { id: string }>(
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
  options: PagedListOptions = {},
) {
  const items = shallowRef<readonly T[]>([]);
  const nextCursor = ref<string | null>(null);
  const loading = ref(false);
  const loadingMore = ref(false);
  const loaded = ref(false);
  const error = ref('');
  let generation = 0;

  async function failed(err: unknown) {
    if (await options.onError?.(err)) return;
    error.value = describeError(err);
  }

  async function reload(): Promise<void> {
    const current = ++generation;
    loading.value = true;
    loadingMore.value = false;
    error.value = '';
    try {
      const page = await fetchPage(undefined);
      if (current !== generation) return;
      items.value = page.items;
      nextCursor.value = page.nextCursor;
      loaded.value = true;
    } catch (err) {
      if (current !== generation) return;
      // What is on screen no longer matches the filters that were asked for.
      items.value = [];
      nextCursor.value = null;
      await failed(err);
    } finally {
      if (current === generation) loading.value = false;
    }
  }

  async function loadMore(): Promise<void> {
    const cursor = nextCursor.value;
    if (!cursor || loading.value || loadingMore.value) return;
    const current = generation;
    loadingMore.value = true;
    error.value = '';
    try {
      const page = await fetchPage(cursor);
      if (current !== generation) return;
      // A row added on this page (e.g. just invited) may come round again on a later page.
      const seen = new Set(items.value.map((item) => item.id));
      items.value = [...items.value, ...page.items.filter((item) => !seen.has(item.id))];
      nextCursor.value = page.nextCursor;
    } catch (err) {
      if (current === generation) await failed(err);
    } finally {
      if (current === generation) loadingMore.value = false;
    }
  }

  /** Applies a local change (a row updated, removed or added) without asking the server again. */
  function update(change: (items: readonly T[]) => readonly T[]) {
    items.value = change(items.value);
  }

  return {
    items: computed(() => items.value),
    nextCursor: readonly(nextCursor),
    loading: readonly(loading),
    loadingMore: readonly(loadingMore),
    loaded: readonly(loaded),
    error: readonly(error),
    reload,
    loadMore,
    update,
  };
}

export type PagedList<T extends { id: string }> = ReturnType<typeof usePagedList<T>>;
