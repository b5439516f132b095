import { OBSERVED_ENV, startApi } from '../support/api-process';
import { withServersPinned } from '../support/cores';
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
  /** CPU per request over every block at once, this side / the other. */
  cpuPooled: number | null;
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
  /** The servers ran on a core the load generator did not use (`taskset`). */
  pinned: boolean;
  blocks: number;
  roundSeconds: number;
}

const SERVERS_PER_SIDE = 3;
/** Rotations of the servers' order: each server holds each position this many times. */
const ROTATIONS = 3;

/**
 * auth.me on six servers of one build: three with observability on (LOG_LEVEL=info, METRICS_TOKEN
 * set, /metrics scraped once a block, after their second round: about every 13 s, as often as
 * Prometheus scrapes by default) and three with it off. Each block runs them as
 * a palindrome (a b c … c b a) of one-second rounds, its order rotated from block to block so that
 * every server holds every position as often as the others, and compares the sums of each side's
 * rounds, so a machine that speeds up or slows down during the block, and whatever a server gains
 * from running right after itself, falls on every side alike. Short rounds, because this machine's
 * speed moves by up to a fifth within seconds; three servers a side, because two processes of the
 * same build differ by up to 5 % however long they are measured; each server on a core the load
 * generator does not use, where `taskset` can put it (docs/performance.md).
 */
export async function benchObservabilityCost(options: Omit<AuthMeOptions, 'databaseUrl' | 'nodeArgs'>): Promise<ObservabilityCostResult> {
  return withServersPinned((core) => measure(options, core));
}

async function measure(options: Omit<AuthMeOptions, 'databaseUrl' | 'nodeArgs'>, core: number | undefined): Promise<ObservabilityCostResult> {
  const { setup, cookies, connections } = options;
  const roundSeconds = 1;
  const blocks = options.rounds === 1 ? 1 : ROTATIONS * 2 * SERVERS_PER_SIDE;
  const start = (env: Record<string, string>) => startApi(setup, { env: { DATABASE_POOL_SIZE: String(options.poolSize), ...env }, ...(core === undefined ? {} : { core }) });
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
        if (on.includes(target) && block.get(target)!.length === 1) await scrape(target);
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
      pinned: core !== undefined,
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
  const pooled = perRequest(blocks.flatMap((b) => roundsOf(b, side))) / perRequest(blocks.flatMap((b) => roundsOf(b, reference)));
  return {
    throughput: round(median(throughputBlocks), 3),
    cpu: Number.isFinite(cpu) ? round(cpu, 3) : null,
    cpuPooled: Number.isFinite(pooled) ? round(pooled, 3) : null,
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
