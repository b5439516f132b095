/** A function that calls `fn` once input has paused for `waitMs`; `cancel` drops a pending call. */
export type Debounced<A extends unknown[]> = ((...args: A) => void) & { cancel(): void };

/** Waits for a pause (e.g. in typing) before calling `fn` with the latest arguments. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, waitMs: number): Debounced<A> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  const debounced = (...args: A) => {
    cancel();
    timer = setTimeout(() => {
      timer = undefined;
      fn(...args);
    }, waitMs);
  };
  return Object.assign(debounced, { cancel });
}
