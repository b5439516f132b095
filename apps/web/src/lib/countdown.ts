import { getCurrentScope, onScopeDispose, readonly, ref } from 'vue';

/** Whole seconds left until `deadlineMs`, never negative. */
export function secondsUntil(deadlineMs: number, nowMs: number): number {
  return Math.max(0, Math.ceil((deadlineMs - nowMs) / 1000));
}

/**
 * A seconds countdown (e.g. "Resend code in 42 s"). It counts against a deadline rather than
 * decrementing, so a throttled background tab still shows the right number when it wakes up.
 */
export function useCountdown(clock: () => number = Date.now) {
  const remaining = ref(0);
  let deadline = 0;
  let timer: ReturnType<typeof setInterval> | undefined;

  function stop() {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  }

  function tick() {
    remaining.value = secondsUntil(deadline, clock());
    if (remaining.value === 0) stop();
  }

  function start(seconds: number) {
    stop();
    deadline = clock() + seconds * 1000;
    tick();
    if (remaining.value > 0) timer = setInterval(tick, 250);
  }

  if (getCurrentScope()) onScopeDispose(stop);

  return { remaining: readonly(remaining), start, reset: () => start(0) };
}
