import { OBSERVED_ENV, startApi } from '../support/api-process';
import type { RunningProcess } from '../support/processes';
import { median, round } from '../support/stats';
import { type AuthMeOptions, expectSignedIn, type LoadFigures, loadAuthMe, medianFigures } from './auth-me';

/** Both off: no log lines (no pino-http), no histogram, no /metrics. */
const QUIET_ENV = { LOG_LEVEL: 'silent' } as const;

export interface ObservabilityCostResult {
  on: LoadFigures;
  off: LoadFigures;
  /** Median over the rounds of on/off requests per second, each pair run back to back. */
  ratio: number;
  ratios: number[];
  /** on/off node CPU per request: the cost, less sensitive to a busy machine. */
  cpuRatio: number | null;
}

/**
 * auth.me on two builds of the same server, alternated round by round: observability on
 * (LOG_LEVEL=info, METRICS_TOKEN set, /metrics scraped after each round) and off.
 */
export async function benchObservabilityCost(options: Omit<AuthMeOptions, 'databaseUrl' | 'nodeArgs'>): Promise<ObservabilityCostResult> {
  const { setup, cookies, connections, durationSeconds } = options;
  const start = (env: Record<string, string>) => startApi(setup, { env: { DATABASE_POOL_SIZE: String(options.poolSize), ...env } });
  const on = await start(OBSERVED_ENV);
  let off: RunningProcess | null = null;
  try {
    off = await start(QUIET_ENV);
    for (const target of [on, off]) {
      await expectSignedIn(target, cookies[0]!);
      await loadAuthMe(target, cookies, connections, options.warmupSeconds);
    }
    const onRounds: LoadFigures[] = [];
    const offRounds: LoadFigures[] = [];
    const ratios: number[] = [];
    for (let i = 0; i < options.rounds; i += 1) {
      const onFigures = await loadAuthMe(on, cookies, connections, durationSeconds);
      await scrape(on);
      const offFigures = await loadAuthMe(off, cookies, connections, durationSeconds);
      onRounds.push(onFigures);
      offRounds.push(offFigures);
      ratios.push(onFigures.requestsPerSecond / offFigures.requestsPerSecond);
    }
    const cpu = (all: LoadFigures[]) => median(all.map((f) => f.cpuMicrosPerRequest ?? Number.NaN));
    const cpuRatio = cpu(onRounds) / cpu(offRounds);
    return {
      on: medianFigures(onRounds),
      off: medianFigures(offRounds),
      ratio: round(median(ratios), 3),
      ratios: ratios.map((r) => round(r, 3)),
      cpuRatio: Number.isFinite(cpuRatio) ? round(cpuRatio, 3) : null,
    };
  } finally {
    await off?.stop();
    await on.stop();
  }
}

async function scrape(target: RunningProcess): Promise<void> {
  const response = await fetch(`${target.url}/metrics`, { headers: { authorization: `Bearer ${OBSERVED_ENV.METRICS_TOKEN}` } });
  const text = await response.text();
  if (!response.ok || !text.includes('http_request_duration_seconds_count{procedure="auth.me",status="200"}')) {
    throw new Error(`/metrics did not count auth.me (${response.status})`);
  }
}
