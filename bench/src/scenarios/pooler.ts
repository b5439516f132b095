import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { type PgBouncer, pgbouncerMissing, startPgBouncer } from '@app/api/testing';
import { type ApiSetup, startApi } from '../support/api-process';
import { processCpuMs } from '../support/cpu-time';
import type { MailCatcher } from '../support/mail-catcher';
import type { RunningProcess } from '../support/processes';
import { median, round } from '../support/stats';
import { type LoadFigures, loadAuthMe, medianFigures } from './auth-me';
import { benchSignIns, type SignInsResult } from './sign-ins';

/*
 * The same API three ways, measured in the same run: straight to Postgres with prepared statements
 * (the default), straight with every statement unnamed (DATABASE_PREPARED_STATEMENTS=false), and
 * unnamed through PgBouncer in transaction mode. The first two differ by the cost of planning every
 * statement; the last two by the pooler's hop.
 */
const VARIANTS = [
  { name: 'direct, prepared', unnamed: false, pooled: false },
  { name: 'direct, unnamed', unnamed: true, pooled: false },
  { name: 'PgBouncer, unnamed', unnamed: true, pooled: true },
] as const;

export interface PoolerResult {
  pgbouncer: string;
  authMe: Array<{ variant: string; figures: LoadFigures; poolerCpuMicrosPerRequest: number | null }>;
  signIns: Array<{ variant: string; result: SignInsResult }>;
}

export interface PoolerOptions {
  setup: ApiSetup;
  mail: MailCatcher;
  databaseUrl: string | undefined;
  cookies: readonly string[];
  emails: readonly string[];
  poolSize: number;
  connections: number;
  clients: number;
  seconds: number;
  warmupSeconds: number;
  rounds: number;
  signInSeconds: number;
}

/** Null (with the reason printed) when there is no Postgres server or no PgBouncer to put in front of it. */
export async function benchPooler(options: PoolerOptions): Promise<PoolerResult | null> {
  const missing = pgbouncerMissing(options.databaseUrl);
  if (missing) {
    console.warn(`  skipped: ${missing}`);
    return null;
  }
  const url = options.databaseUrl!;
  // As many server connections as the direct API's pool, so only the hop differs.
  const bouncer = await startPgBouncer(url, { poolSize: options.poolSize });
  try {
    const envOf = (variant: (typeof VARIANTS)[number]) => ({
      DATABASE_POOL_SIZE: String(options.poolSize),
      ...(variant.unnamed ? { DATABASE_PREPARED_STATEMENTS: 'false' } : {}),
      ...(variant.pooled ? { DATABASE_URL: bouncer.through(url) } : {}),
    });
    const authMe = await authMeThreeWays(options, bouncer, envOf);
    const signIns: PoolerResult['signIns'] = [];
    for (const variant of VARIANTS) {
      const result = await benchSignIns({
        setup: options.setup,
        mail: options.mail,
        emails: options.emails,
        virtualUsers: options.clients,
        durationSeconds: options.signInSeconds,
        warmupSeconds: options.warmupSeconds,
        poolSize: options.poolSize,
        databaseUrl: url,
        env: envOf(variant),
        ...(variant.pooled ? { poolerPid: bouncer.pid } : {}),
      });
      signIns.push({ variant: variant.name, result });
    }
    const version = spawnSync('/usr/sbin/pgbouncer', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0] ?? 'PgBouncer';
    return { pgbouncer: version, authMe, signIns };
  } finally {
    await bouncer.stop();
  }
}

/** Rounds alternate between the three APIs, so a busy spell of the machine hits each alike. */
async function authMeThreeWays(
  options: PoolerOptions,
  bouncer: PgBouncer,
  envOf: (variant: (typeof VARIANTS)[number]) => Record<string, string>,
): Promise<PoolerResult['authMe']> {
  const servers: RunningProcess[] = [];
  const monitor = new pg.Client({ connectionString: options.databaseUrl });
  try {
    for (const variant of VARIANTS) servers.push(await startApi(options.setup, { env: envOf(variant) }));
    await monitor.connect();
    const postgres = { client: monitor, database: new URL(options.databaseUrl!).pathname.slice(1) };
    for (const server of servers) await loadAuthMe(server, options.cookies, options.connections, options.warmupSeconds);
    const rounds = VARIANTS.map(() => ({ figures: [] as LoadFigures[], poolerCpu: [] as number[] }));
    for (let pass = 0; pass < options.rounds; pass += 1) {
      for (const [i, variant] of VARIANTS.entries()) {
        const before = variant.pooled ? processCpuMs(bouncer.pid) : null;
        const figures = await loadAuthMe(servers[i]!, options.cookies, options.connections, options.seconds, postgres);
        const after = variant.pooled ? processCpuMs(bouncer.pid) : null;
        rounds[i]!.figures.push(figures);
        if (before !== null && after !== null && figures.requests > 0) rounds[i]!.poolerCpu.push(((after - before) * 1000) / figures.requests);
      }
    }
    return VARIANTS.map((variant, i) => ({
      variant: variant.name,
      figures: medianFigures(rounds[i]!.figures),
      poolerCpuMicrosPerRequest: rounds[i]!.poolerCpu.length ? round(median(rounds[i]!.poolerCpu), 0) : null,
    }));
  } finally {
    await monitor.end();
    for (const server of servers) await server.stop();
  }
}
