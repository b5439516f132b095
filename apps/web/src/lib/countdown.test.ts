import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope } from 'vue';
import { secondsUntil, useCountdown } from './countdown';

describe('secondsUntil', () => {
  it('rounds partial seconds up so the button never enables early', () => {
    expect(secondsUntil(10_000, 0)).toBe(10);
    expect(secondsUntil(10_000, 9_001)).toBe(1);
    expect(secondsUntil(10_000, 10_000)).toBe(0);
  });

  it('never goes negative', () => {
    expect(secondsUntil(10_000, 60_000)).toBe(0);
  });
});

describe('useCountdown', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts down to zero and stops', () => {
    const { remaining, start } = useCountdown();
    start(3);
    expect(remaining.value).toBe(3);
    vi.advanceTimersByTime(1_000);
    expect(remaining.value).toBe(2);
    vi.advanceTimersByTime(2_000);
    expect(remaining.value).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('restarts from a new value', () => {
    const { remaining, start } = useCountdown();
    start(30);
    vi.advanceTimersByTime(10_000);
    start(42);
    expect(remaining.value).toBe(42);
    expect(vi.getTimerCount()).toBe(1);
  });

  it('catches up after the timer was held back (sleeping tab)', () => {
    let now = 0;
    const { remaining, start } = useCountdown(() => now);
    start(60);
    now = 45_000; // the clock moved on but no tick ran yet
    vi.advanceTimersByTime(250);
    expect(remaining.value).toBe(15);
  });

  it('reset enables right away', () => {
    const { remaining, start, reset } = useCountdown();
    start(30);
    reset();
    expect(remaining.value).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops its timer when the owning component goes away', () => {
    const scope = effectScope();
    const countdown = scope.run(() => useCountdown())!;
    countdown.start(30);
    expect(vi.getTimerCount()).toBe(1);
    scope.stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});
