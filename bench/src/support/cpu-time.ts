import type pg from 'pg';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/**
 * CPU time a process has used so far, in ms; null where /proc is missing. Read to the nanosecond
 * from the scheduler (`/proc/<pid>/task/<tid>/schedstat`, summed over the threads alive) where the
 * kernel keeps it: /proc/<pid>/stat counts in hundredths of a second, 1 % of a one-second round.
 * The threads of the processes measured here (Node's, Postgres's) live as long as the process.
 */
export function processCpuMs(pid: number): number | null {
  try {
    let ns = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    if (Number.isFinite(ns)) return ns / 1e6;
  } catch {
    // no schedstat (or the process is gone): the tick count below, or null
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/**
 * CPU time (ms) used so far by the Postgres backends serving `database`, summed; null when the
 * server is not on this machine (no /proc entry for its backends). For "where a request's time
 * goes": the API, Postgres and the load generator share the same cores.
 */
export async function postgresCpuMs(client: pg.Client, database: string): Promise<Map<number, number> | null> {
  const { rows } = await client.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [database]);
  const usage = new Map<number, number>();
  for (const { pid } of rows) {
    const ms = processCpuMs(pid);
    if (ms === null) return null;
    usage.set(pid, ms);
  }
  return usage;
}

/** CPU ms the backends used between two readings (backends that appeared in between count from 0). */
export function postgresCpuDelta(before: Map<number, number> | null, after: Map<number, number> | null): number | null {
  if (!before || !after) return null;
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}
