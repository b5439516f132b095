import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { debounce } from './debounce';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('debounce', () => {
  it('calls once, with the latest arguments, after input pauses', () => {
    const fn = vi.fn();
    const search = debounce(fn, 300);
    search('a');
    vi.advanceTimersByTime(200);
    search('ad');
    vi.advanceTimersByTime(200);
    search('ada');
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(300);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(fn).toHaveBeenCalledWith('ada');
  });

  it('calls again for input after the pause', () => {
    const fn = vi.fn();
    const search = debounce(fn, 300);
    search('a');
    vi.advanceTimersByTime(300);
    search('b');
    vi.advanceTimersByTime(300);
    expect(fn.mock.calls).toEqual([['a'], ['b']]);
  });

  it('drops a pending call on cancel', () => {
    const fn = vi.fn();
    const search = debounce(fn, 300);
    search('a');
    search.cancel();
    vi.advanceTimersByTime(1_000);
    expect(fn).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });
});
