import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * Runs `work` with this process (the load generator) on the last core and returns the core the
 * servers under test get to themselves, the first: a server that shares its core with the load
 * generator or Postgres from one moment to the next is slowed by them by a different amount each
 * moment. Without `taskset` (not Linux) or a second core, nothing is pinned (core undefined).
 */
export async function withServersPinned<T>(work: (serverCore: number | undefined) => Promise<T>): Promise<T> {
  const cores = availableParallelism();
  const pin = (list: string) => spawnSync('taskset', ['--all-tasks', '--cpu-list', '--pid', list, String(process.pid)], { stdio: 'ignore' }).status === 0;
  if (cores < 2 || !pin(String(cores - 1))) return work(undefined);
  try {
    return await work(0);
  } finally {
    pin(`0-${cores - 1}`);
  }
}
