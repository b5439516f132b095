import type { AccountSession } from '../../trpc';

/** This device first, then the most recently used. */
export function orderSessions(items: readonly AccountSession[]): AccountSession[] {
  return [...items].sort(
    (a, b) => Number(b.current) - Number(a.current) || Date.parse(b.lastSeenAt) - Date.parse(a.lastSeenAt),
  );
}
