import { OBSERVED_ENV, startApi } from '../support/api-process';
import type { RunningProcess } from '../support/processes';
import { median, round } from '../support/stats';
import { type AuthMeOptions, expectSignedIn, type LoadFigures, loadAuthMe, medianFigures } from './auth-me';

/** Both off: no request lines, no histogram, no process metrics, no /metrics. */
const QUIET_ENV = { LOG_LEVEL: 'silent' } as const;

/** One side against the quiet server, over the blocks. */
export interface SideRatios {
  /** Median over the blocks of requests/s, this side / off. */
  throughput: number;
  /** Median over the blocks of node CPU per request, this side / off: the cost itself. */
  cpu: number | null;
  throughputBlocks: number[];
  cpuBlocks: number[];
}

export interface ObservabilityCostResult {
  on: LoadFigures;
  off: LoadFigures;
  /** Observability on against off. */
  onOff: SideRatios;
  /**
   * A second quiet server of the same build against the first: what the same code measures as
   * on this machine, i.e. how far from 1.0 a difference has to be to mean anything.
   */
  control: SideRatios;
  blocks: number;
  roundSeconds: number;
}

/**
 * auth.me on three servers of one build: observability on (LOG_LEVEL=info, METRICS_TOKEN set,
 * /metrics scraped after each of its rounds), off, and off again as a control. Each block runs
 * them as a palindrome (on, off, control, control, off, on) and compares the sums of its two
 * rounds per server, so a machine that speeds up or slows down during the block, and whatever a
 * server gains from running right after itself, falls on every side alike.
 */
export async function benchObservabilityCost(options: Omit<AuthMeOptions, 'databaseUrl' | 'nodeArgs'>): Promise<ObservabilityCostResult> {
  const { setup, cookies, connections } = options;
  const roundSeconds = Math.max(1, options.durationSeconds - 1);
  const start = (env: Record<string, string>) => startApi(setup, { env: { DATABASE_POOL_SIZE: String(options.poolSize), ...env } });
  const started: RunningProcess[] = [];
  try {
    const [on, off, control] = [await start(OBSERVED_ENV), await start(QUIET_ENV), await start(QUIET_ENV)] as const;
    started.push(on, off, control);
    for (const target of started) {
      await expectSignedIn(target, cookies[0]!);
      await loadAuthMe(target, cookies, connections, options.warmupSeconds);
    }
    const rounds = new Map<RunningProcess, LoadFigures[]>(started.map((p) => [p, []]));
    const blocks: Array<Map<RunningProcess, LoadFigures[]>> = [];
    for (let i = 0; i < options.rounds; i += 1) {
      const block = new Map<RunningProcess, LoadFigures[]>(started.map((p) => [p, []]));
      for (const target of [on, off, control, control, off, on]) {
        const figures = await loadAuthMe(target, cookies, connections, roundSeconds);
        if (target === on) await scrape(on);
        block.get(target)!.push(figures);
        rounds.get(target)!.push(figures);
      }
      blocks.push(block);
    }
    return {
      on: medianFigures(rounds.get(on)!),
      off: medianFigures(rounds.get(off)!),
      onOff: sideRatios(blocks, on, off),
      control: sideRatios(blocks, control, off),
      blocks: options.rounds,
      roundSeconds,
    };
  } finally {
    for (const target of started.reverse()) await target.stop();
  }
}

function sideRatios(blocks: ReadonlyArray<Map<RunningProcess, LoadFigures[]>>, side: RunningProcess, off: RunningProcess): SideRatios {
  const sum = (figures: LoadFigures[], of: (f: LoadFigures) => number) => figures.reduce((total, f) => total + of(f), 0);
  const cpuTime = (f: LoadFigures) => (f.cpuMicrosPerRequest ?? Number.NaN) * f.requests;
  const throughputBlocks = blocks.map((b) => sum(b.get(side)!, (f) => f.requests) / sum(b.get(off)!, (f) => f.requests));
  // CPU per request over both rounds of a block: CPU time summed, over requests summed.
  const perRequest = (figures: LoadFigures[]) => sum(figures, cpuTime) / sum(figures, (f) => f.requests);
  const cpuBlocks = blocks.map((b) => perRequest(b.get(side)!) / perRequest(b.get(off)!));
  const cpu = median(cpuBlocks);
  return {
    throughput: round(median(throughputBlocks), 3),
    cpu: Number.isFinite(cpu) ? round(cpu, 3) : null,
    throughputBlocks: throughputBlocks.map((r) => round(r, 3)),
    cpuBlocks: cpuBlocks.map((r) => round(r, 3)),
  };
}

async function scrape(target: RunningProcess): Promise<void> {
  const response = await fetch(`${target.url}/metrics`, { headers: { authorization: `Bearer ${OBSERVED_ENV.METRICS_TOKEN}` } });
  const text = await response.text();
  if (!response.ok || !text.includes('http_request_duration_seconds_count{procedure="auth.me",status="200"}')) {
    throw new Error(`/metrics did not count auth.me (${response.status})`);
  }
}
