import { onScopeDispose, shallowRef } from 'vue';
import type { ShallowRef } from 'vue';

/** The current time, refreshed every `intervalMs` while the calling component is mounted. */
export function useNow(intervalMs = 1000): Readonly<ShallowRef<Date>> {
  const now = shallowRef(new Date());
  const timer = setInterval(() => {
    now.value = new Date();
  }, intervalMs);
  onScopeDispose(() => clearInterval(timer));
  return now;
}
