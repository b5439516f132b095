import { cleanUp, type CleanupResult, type RetentionPolicy } from '@app/auth';
import type { Database } from '@app/db';
import type { Logger } from './logger';

export interface HousekeepingJob {
  /** Runs cleanup now (or joins the run in progress); null when it failed (already logged). */
  runNow(): Promise<CleanupResult | null>;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

const HOUR_MS = 3_600_000;

/**
 * Deletes expired rows every `intervalMs` (first run `firstRunDelayMs` after start). Every
 * instance runs the timer; the database's advisory lock lets only one of them clean at a time,
 * the others skip that round.
 */
export function startHousekeepingJob(input: {
  db: Database;
  now: () => Date;
  retention: RetentionPolicy;
  log: Logger;
  intervalMs?: number;
  firstRunDelayMs?: number;
}): HousekeepingJob {
  const { db, now, retention, log, intervalMs = HOUR_MS, firstRunDelayMs = 30_000 } = input;
  let running: Promise<CleanupResult | null> | null = null;
  let stopped = false;

  const run = async (): Promise<CleanupResult | null> => {
    try {
      const result = await cleanUp(db, { now: now(), ...retention });
      if (result.ran) log.info('housekeeping removed expired rows', { ...result.removed });
      else log.info('housekeeping skipped: another instance is running it');
      return result;
    } catch (error) {
      log.warn('housekeeping failed', { error: error instanceof Error ? error.message : String(error) });
      return null;
    }
  };

  const runNow = () => {
    running ??= run().finally(() => {
      running = null;
    });
    return running;
  };
  const tick = () => {
    if (!stopped) void runNow();
  };

  let interval: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    tick();
    interval = setInterval(tick, intervalMs);
    interval.unref();
  }, firstRunDelayMs);
  first.unref();

  return {
    runNow,
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(interval);
      await running;
    },
  };
}
