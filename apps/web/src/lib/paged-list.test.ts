import { TRPCClientError } from '@trpc/client';
import { describe, expect, it, vi } from 'vitest';
import { type Page, usePagedList } from './paged-list';

type Row = { id: string };
const rows = (...ids: string[]): Row[] => ids.map((id) => ({ id }));

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('usePagedList', () => {
  it('loads the first page, then appends the next one by cursor', async () => {
    const fetchPage = vi
      .fn<(cursor: string | undefined) => Promise<Page<Row>>>()
      .mockResolvedValueOnce({ items: rows('a', 'b'), nextCursor: 'c1' })
      .mockResolvedValueOnce({ items: rows('c'), nextCursor: null });
    const list = usePagedList(fetchPage);

    await list.reload();
    expect(list.items.value.map((r) => r.id)).toEqual(['a', 'b']);
    expect(list.nextCursor.value).toBe('c1');
    expect(list.loaded.value).toBe(true);

    await list.loadMore();
    expect(fetchPage).toHaveBeenLastCalledWith('c1');
    expect(list.items.value.map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(list.nextCursor.value).toBeNull();
  });

  it('does not ask for more when there is no next page', async () => {
    const fetchPage = vi.fn(async () => ({ items: rows('a'), nextCursor: null }));
    const list = usePagedList(fetchPage);
    await list.reload();
    await list.loadMore();
    expect(fetchPage).toHaveBeenCalledTimes(1);
  });

  it('ignores a slow answer that a newer reload overtook', async () => {
    const slow = deferred<Page<Row>>();
    const fetchPage = vi
      .fn<(cursor: string | undefined) => Promise<Page<Row>>>()
      .mockReturnValueOnce(slow.promise)
      .mockResolvedValueOnce({ items: rows('new'), nextCursor: null });
    const list = usePagedList(fetchPage);

    const first = list.reload();
    await list.reload();
    slow.resolve({ items: rows('old'), nextCursor: 'x' });
    await first;
    expect(list.items.value.map((r) => r.id)).toEqual(['new']);
    expect(list.nextCursor.value).toBeNull();
    expect(list.loading.value).toBe(false);
  });

  it('drops a next page that arrives after the filters changed', async () => {
    const more = deferred<Page<Row>>();
    const fetchPage = vi
      .fn<(cursor: string | undefined) => Promise<Page<Row>>>()
      .mockResolvedValueOnce({ items: rows('a'), nextCursor: 'c1' })
      .mockReturnValueOnce(more.promise)
      .mockResolvedValueOnce({ items: rows('filtered'), nextCursor: null });
    const list = usePagedList(fetchPage);
    await list.reload();

    const pending = list.loadMore();
    expect(list.loadingMore.value).toBe(true);
    await list.reload();
    more.resolve({ items: rows('b'), nextCursor: null });
    await pending;
    expect(list.items.value.map((r) => r.id)).toEqual(['filtered']);
    expect(list.loadingMore.value).toBe(false);
  });

  it('does not repeat a row that came round again on a later page', async () => {
    const fetchPage = vi
      .fn<(cursor: string | undefined) => Promise<Page<Row>>>()
      .mockResolvedValueOnce({ items: rows('a'), nextCursor: 'c1' })
      .mockResolvedValueOnce({ items: rows('invited', 'b'), nextCursor: null });
    const list = usePagedList(fetchPage);
    await list.reload();
    list.update((items) => [{ id: 'invited' }, ...items]);
    await list.loadMore();
    expect(list.items.value.map((r) => r.id)).toEqual(['invited', 'a', 'b']);
  });

  it('explains a failure in words and clears rows that no longer match', async () => {
    const fetchPage = vi
      .fn<(cursor: string | undefined) => Promise<Page<Row>>>()
      .mockResolvedValueOnce({ items: rows('a'), nextCursor: 'c1' })
      .mockRejectedValueOnce(TRPCClientError.from(new TypeError('Failed to fetch')));
    const list = usePagedList(fetchPage);
    await list.reload();
    await list.reload();
    expect(list.error.value).toContain('couldn’t reach the server');
    expect(list.items.value).toEqual([]);
    expect(list.nextCursor.value).toBeNull();
  });

  it('lets onError take over a failure (e.g. leave for sign-in) without a message', async () => {
    const onError = vi.fn(async () => true);
    const list = usePagedList(() => Promise.reject(new Error('signed out')), { onError });
    await list.reload();
    expect(onError).toHaveBeenCalledOnce();
    expect(list.error.value).toBe('');
  });
});
