import { OBSERVED_ENV, startApi } from '../support/api-process';
import type { RunningProcess } from '../support/processes';
import { median, round } from '../support/stats';
import { type AuthMeOptions, expectSignedIn, type LoadFigures, loadAuthMe, medianFigures } from './auth-me';

/** Off: no request lines, no histogram, no process metrics, no /metrics. */
const QUIET_ENV = { LOG_LEVEL: 'silent' } as const;

/** One side against the other, over the blocks. */
export interface SideRatios {
  /** Median over the blocks of requests/s, this side / the other. */
  throughput: number;
  /** Median over the blocks of node CPU per request, this side / the other: the cost itself. */
  cpu: number | null;
  throughputBlocks: number[];
  cpuBlocks: number[];
}

export interface ObservabilityCostResult {
  on: LoadFigures;
  off: LoadFigures;
  /** Observability on against off, each side the sum over its servers. */
  onOff: SideRatios;
  /**
   * One quiet server against the other: what the same code measures as on this machine, i.e. how
   * far from 1.0 a difference between two single processes has to be to mean anything.
   */
  control: SideRatios;
  /** Servers per side: a process's speed is partly its own (docs/performance.md), so each side has several. */
  serversPerSide: number;
  blocks: number;
  roundSeconds: number;
}

const SERVERS_PER_SIDE = 2;

/**
 * auth.me on four servers of one build: two with observability on (LOG_LEVEL=info, METRICS_TOKEN
 * set, /metrics scraped after each of their rounds) and two with it off. Each block runs them as a
 * palindrome (a b c d d c b a), its order rotated from block to block so that every server holds
 * every position as often as the others, and compares the sums of each side's rounds, so a
 * machine that speeds up or slows down during the block, and whatever a server gains from running
 * right after itself, falls on every side alike. Two servers a side, because two processes of the
 * same build differ by up to 5 % however long they are measured.
 */
export async function benchObservabilityCost(options: Omit<AuthMeOptions, 'databaseUrl' | 'nodeArgs'>): Promise<ObservabilityCostResult> {
  const { setup, cookies, connections } = options;
  const roundSeconds = Math.max(1, options.durationSeconds - 1);
  // A whole number of rotations, so each server holds each position equally often.
  const blocks = options.rounds === 1 ? 1 : Math.ceil(options.rounds / (2 * SERVERS_PER_SIDE)) * 2 * SERVERS_PER_SIDE;
  const start = (env: Record<string, string>) => startApi(setup, { env: { DATABASE_POOL_SIZE: String(options.poolSize), ...env } });
  const started: RunningProcess[] = [];
  try {
    const on: RunningProcess[] = [];
    const off: RunningProcess[] = [];
    for (let i = 0; i < SERVERS_PER_SIDE; i += 1) {
      on.push(await start(OBSERVED_ENV));
      off.push(await start(QUIET_ENV));
      started.push(on[i]!, off[i]!);
    }
    for (const target of started) {
      await expectSignedIn(target, cookies[0]!);
      await loadAuthMe(target, cookies, connections, options.warmupSeconds);
    }
    const rounds = new Map<RunningProcess, LoadFigures[]>(started.map((p) => [p, []]));
    const measured: Array<Map<RunningProcess, LoadFigures[]>> = [];
    for (let i = 0; i < blocks; i += 1) {
      const block = new Map<RunningProcess, LoadFigures[]>(started.map((p) => [p, []]));
      const order = [...started.slice(i % started.length), ...started.slice(0, i % started.length)];
      for (const target of [...order, ...[...order].reverse()]) {
        const figures = await loadAuthMe(target, cookies, connections, roundSeconds);
        if (on.includes(target)) await scrape(target);
        block.get(target)!.push(figures);
        rounds.get(target)!.push(figures);
      }
      measured.push(block);
    }
    const of = (side: RunningProcess[]) => side.flatMap((p) => rounds.get(p)!);
    return {
      on: medianFigures(of(on)),
      off: medianFigures(of(off)),
      onOff: sideRatios(measured, on, off),
      control: sideRatios(measured, [off[1]!], [off[0]!]),
      serversPerSide: SERVERS_PER_SIDE,
      blocks,
      roundSeconds,
    };
  } finally {
    for (const target of started.reverse()) await target.stop();
  }
}

function sideRatios(blocks: ReadonlyArray<Map<RunningProcess, LoadFigures[]>>, side: RunningProcess[], reference: RunningProcess[]): SideRatios {
  const sum = (figures: LoadFigures[], of: (f: LoadFigures) => number) => figures.reduce((total, f) => total + of(f), 0);
  const cpuTime = (f: LoadFigures) => (f.cpuMicrosPerRequest ?? Number.NaN) * f.requests;
  const roundsOf = (block: Map<RunningProcess, LoadFigures[]>, servers: RunningProcess[]) => servers.flatMap((p) => block.get(p)!);
  const throughputBlocks = blocks.map((b) => sum(roundsOf(b, side), (f) => f.requests) / sum(roundsOf(b, reference), (f) => f.requests));
  // CPU per request over a side's rounds in a block: CPU time summed, over requests summed.
  const perRequest = (figures: LoadFigures[]) => sum(figures, cpuTime) / sum(figures, (f) => f.requests);
  const cpuBlocks = blocks.map((b) => perRequest(roundsOf(b, side)) / perRequest(roundsOf(b, reference)));
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
