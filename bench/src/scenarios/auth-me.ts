import autocannon from 'autocannon';
import { type ApiSetup, OBSERVED_ENV, startApi, startBaseline } from '../support/api-process';
import type { RunningProcess } from '../support/processes';
import pg from 'pg';
import { postgresCpuDelta, postgresCpuMs, processCpuMs } from '../support/cpu-time';
import { median, round } from '../support/stats';

/** What the SPA sends: tRPC's batch link, one call. */
export const ME_PATH = '/trpc/auth.me?batch=1&input=%7B%7D';

export interface LoadFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Non-2xx answers, socket errors and timeouts. */
  failures: number;
  /** CPU time the server process spent per request (Linux only): robust to other load on the machine. */
  cpuMicrosPerRequest: number | null;
  /** CPU time of the Postgres backends per request (when Postgres runs on this machine). */
  postgresCpuMicrosPerRequest: number | null;
  /** CPU time of the load generator (this process) per request. */
  loadCpuMicrosPerRequest: number;
}

export interface AuthMeResult {
  connections: number;
  durationSeconds: number;
  poolSize: number;
  server: LoadFigures;
  baseline: LoadFigures | null;
  /** Median over the rounds of server/baseline requests per second, each pair run back to back. */
  ratio: number | null;
  /** Baseline/server CPU time per request: the same comparison, less sensitive to a busy machine. */
  cpuRatio: number | null;
  ratios: number[];
  rounds: Array<{ target: 'server' | 'baseline'; figures: LoadFigures }>;
}

export interface AuthMeOptions {
  setup: ApiSetup;
  /** The baseline needs Postgres; with the embedded database only the server is measured. */
  databaseUrl: string | undefined;
  cookies: readonly string[];
  poolSize: number;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  rounds: number;
  /** Extra node flags for the API process (e.g. --cpu-prof). */
  nodeArgs?: string[];
}

/** Bounded load on GET auth.me with a different valid session cookie on each request. */
export async function loadAuthMe(
  target: { url: string; pid?: number },
  cookies: readonly string[],
  connections: number,
  durationSeconds: number,
  postgres?: { client: pg.Client; database: string },
): Promise<LoadFigures> {
  let next = 0;
  const url = target.url;
  const cpuBefore = target.pid ? processCpuMs(target.pid) : null;
  const pgBefore = postgres ? await postgresCpuMs(postgres.client, postgres.database) : null;
  const loadBefore = process.cpuUsage();
  const result = await autocannon({
    url,
    connections,
    duration: durationSeconds,
    requests: [
      {
        method: 'GET',
        path: ME_PATH,
        setupRequest: (request) => {
          next = (next + 1) % cookies.length;
          return { ...request, headers: { ...request.headers, cookie: cookies[next]! } };
        },
      },
    ],
  });
  const load = process.cpuUsage(loadBefore);
  const cpuAfter = target.pid ? processCpuMs(target.pid) : null;
  const cpuMs = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
  const pgMs = postgres ? postgresCpuDelta(pgBefore, await postgresCpuMs(postgres.client, postgres.database)) : null;
  const perRequest = (ms: number | null) => (ms === null || result.requests.total === 0 ? null : round((ms * 1000) / result.requests.total, 0));
  return {
    requestsPerSecond: round(result.requests.average, 0),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts,
    cpuMicrosPerRequest: perRequest(cpuMs),
    postgresCpuMicrosPerRequest: perRequest(pgMs),
    loadCpuMicrosPerRequest: perRequest((load.user + load.system) / 1000) ?? 0,
  };
}

/** The server and the plain baseline, alternated round by round so both see the same machine. */
export async function benchAuthMe(options: AuthMeOptions): Promise<AuthMeResult> {
  const { setup, cookies, connections, durationSeconds } = options;
  const server = await startApi(setup, { env: { DATABASE_POOL_SIZE: String(options.poolSize), ...OBSERVED_ENV }, ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}) });
  let baseline: RunningProcess | null = null;
  let monitor: pg.Client | null = null;
  try {
    if (options.databaseUrl) {
      baseline = await startBaseline(setup, options.databaseUrl, options.poolSize);
      monitor = new pg.Client({ connectionString: options.databaseUrl });
      await monitor.connect();
    }
    const postgres = monitor ? { client: monitor, database: new URL(options.databaseUrl!).pathname.slice(1) } : undefined;
    const targets = [baseline, server].filter((t): t is RunningProcess => t !== null);
    for (const target of targets) {
      await expectSignedIn(target, cookies[0]!);
      await loadAuthMe(target, cookies, connections, options.warmupSeconds);
    }
    const rounds: AuthMeResult['rounds'] = [];
    const ratios: number[] = [];
    for (let i = 0; i < options.rounds; i += 1) {
      const serverFigures = await loadAuthMe(server, cookies, connections, durationSeconds, postgres);
      rounds.push({ target: 'server', figures: serverFigures });
      if (baseline) {
        const baselineFigures = await loadAuthMe(baseline, cookies, connections, durationSeconds, postgres);
        rounds.push({ target: 'baseline', figures: baselineFigures });
        ratios.push(serverFigures.requestsPerSecond / baselineFigures.requestsPerSecond);
      }
    }
    const of = (target: 'server' | 'baseline') => rounds.filter((r) => r.target === target).map((r) => r.figures);
    return {
      connections,
      durationSeconds,
      poolSize: options.poolSize,
      server: medianFigures(of('server')),
      baseline: baseline ? medianFigures(of('baseline')) : null,
      ratio: ratios.length ? round(median(ratios), 3) : null,
      cpuRatio: cpuRatio(of('server'), of('baseline')),
      ratios: ratios.map((r) => round(r, 3)),
      rounds,
    };
  } finally {
    await monitor?.end();
    await baseline?.stop();
    await server.stop();
  }
}

function cpuRatio(server: LoadFigures[], baseline: LoadFigures[]): number | null {
  const cpu = (all: LoadFigures[]) => median(all.map((f) => f.cpuMicrosPerRequest ?? Number.NaN));
  const ratio = cpu(baseline) / cpu(server);
  return Number.isFinite(ratio) ? round(ratio, 3) : null;
}

export function medianFigures(all: LoadFigures[]): LoadFigures {
  const m = (pick: (f: LoadFigures) => number) => median(all.map(pick));
  return {
    requestsPerSecond: round(m((f) => f.requestsPerSecond), 0),
    p50Ms: m((f) => f.p50Ms),
    p99Ms: m((f) => f.p99Ms),
    requests: m((f) => f.requests),
    failures: all.reduce((sum, f) => sum + f.failures, 0),
    cpuMicrosPerRequest: all.some((f) => f.cpuMicrosPerRequest === null) ? null : m((f) => f.cpuMicrosPerRequest!),
    postgresCpuMicrosPerRequest: all.some((f) => f.postgresCpuMicrosPerRequest === null) ? null : m((f) => f.postgresCpuMicrosPerRequest!),
    loadCpuMicrosPerRequest: m((f) => f.loadCpuMicrosPerRequest),
  };
}

/** Both servers must answer the seeded cookie with its user, or the comparison means nothing. */
export async function expectSignedIn(target: RunningProcess, cookie: string): Promise<void> {
  const response = await fetch(`${target.url}${ME_PATH}`, { headers: { cookie } });
  const body = (await response.json()) as Array<{ result?: { data?: { email?: string } | null } }>;
  if (!response.ok || !body[0]?.result?.data?.email) {
    throw new Error(`${target.name}: auth.me did not recognise a seeded session (${response.status} ${JSON.stringify(body)})`);
  }
}
