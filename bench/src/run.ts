/*
 * `pnpm bench`: the production server against a bench database, loads on loopback, each beside its
 * baseline. Prints a table and writes bench/results/latest.json. See docs/performance.md.
 *
 *   --quick            short rounds (a smoke run, figures are rough)
 *   --only=a,b         some of: spa, start, validation, statements, me, observability, signins, pooler
 *   --profile          also profile the API (node --cpu-prof) under auth.me load and during sign-ins
 *   --clients=N        parallel sign-in clients (default 32)
 *   --connections=N    autocannon connections for auth.me (default 16)
 *   --pool=N           DATABASE_POOL_SIZE for the API and the baseline's pool (default 10)
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir, type } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrateToLatest } from '@app/db';
import pg from 'pg';
import { formatProfile, formatTable, type Results } from './report';
import { benchAuthMe } from './scenarios/auth-me';
import { benchObservabilityCost } from './scenarios/observability-cost';
import { benchPooler } from './scenarios/pooler';
import { profileAuthMe, profileFlags, summariseProfile } from './scenarios/profile';
import { benchSignIns } from './scenarios/sign-ins';
import { measureSpa } from './scenarios/spa';
import { benchStartTime } from './scenarios/start-time';
import { countStatements } from './scenarios/statements';
import { benchValidation } from './scenarios/validation';
import type { ApiSetup } from './support/api-process';
import { createBenchDatabase } from './support/bench-database';
import { startMailCatcher } from './support/mail-catcher';
import { benchAuthDeps, seedUsers } from './support/seed';

const SCENARIOS = ['spa', 'start', 'validation', 'statements', 'me', 'observability', 'signins', 'pooler'] as const;
type Scenario = (typeof SCENARIOS)[number];

function parseArgs(argv: string[]) {
  const flag = (name: string) => argv.includes(`--${name}`);
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const number = (name: string, fallback: number) => {
    const n = Number(value(name) ?? fallback);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
    return n;
  };
  const only = value('only')?.split(',') ?? [...SCENARIOS];
  for (const s of only) if (!SCENARIOS.includes(s as Scenario)) throw new Error(`--only: unknown scenario ${s} (${SCENARIOS.join(', ')})`);
  const quick = flag('quick');
  return {
    only: new Set(only as Scenario[]),
    profile: flag('profile'),
    quick,
    clients: number('clients', 32),
    connections: number('connections', 16),
    poolSize: number('pool', 10),
    seconds: quick ? 2 : 3,
    warmupSeconds: quick ? 1 : 3,
    rounds: quick ? 1 : 6,
    signInSeconds: quick ? 3 : 10,
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const benchDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const repoRoot = resolve(benchDir, '..');
  const resultsDir = join(benchDir, 'results');
  mkdirSync(resultsDir, { recursive: true });
  for (const built of ['apps/api/dist/main.js', 'apps/web/dist/index.html']) {
    if (!existsSync(join(repoRoot, built))) throw new Error(`${built} is missing: run \`pnpm build\` first (\`pnpm bench\` from the root does)`);
  }
  const serverUrl = process.env.DATABASE_URL || undefined;
  if (!serverUrl) {
    console.warn('WARNING: DATABASE_URL is not set; benchmarking the embedded database (PGlite). The auth.me baseline needs Postgres and is skipped.');
  }

  const workDir = mkdtempSync(join(tmpdir(), 'bench-'));
  const database = await createBenchDatabase(serverUrl, workDir);
  const secret = randomBytes(32).toString('base64url');
  const mail = await startMailCatcher('bench-postmark-token');
  const setup: ApiSetup = {
    repoRoot,
    databaseEnv: database.env,
    postmark: { url: mail.url, token: mail.token },
    secret,
    logFile: join(resultsDir, 'server.log'),
  };
  rmSync(setup.logFile, { force: true });
  if (args.profile) for (const dir of ['profile', 'profile-sign-ins']) rmSync(join(resultsDir, dir), { recursive: true, force: true });
  const results: Results = {};
  const step = (name: string) => console.log(`- ${name}`);
  const startedAt = new Date();

  try {
    step(`seeding ${database.kind} database`);
    const db = await database.open({ poolSize: 4 });
    await migrateToLatest(db);
    const deps = benchAuthDeps(secret);
    const sessions = await seedUsers(db, deps, args.quick ? 200 : 1000, 'session');
    const signInUsers = await seedUsers(db, deps, args.quick ? 200 : 1000, 'signin');
    const counted = await seedUsers(db, deps, 10, 'counted');
    await db.destroy();

    if (args.only.has('spa')) {
      step('SPA sizes');
      results.spa = measureSpa(join(repoRoot, 'apps/web/dist'));
    }
    if (args.only.has('start')) {
      step('start time');
      results.startTime = await benchStartTime({ setup, workDir, runs: args.quick ? 1 : 3, pnpm: findPnpm() });
    }
    if (args.only.has('validation')) {
      step('session validation, embedded and pg');
      results.validation = await benchValidation({
        workDir,
        secret,
        calls: args.quick ? 500 : 3000,
        postgres: database.kind === 'postgres' ? { open: () => database.open(), cookies: sessions.sessionCookies } : null,
      });
    }
    if (args.only.has('statements')) {
      step('SQL statements per sign-in');
      results.statements = await countStatements({
        setup,
        mail,
        emails: counted.emails,
        open: (log) => database.open({ log: (event) => log(event.query.sql) }),
      });
    }
    const meLoad = {
      setup,
      cookies: sessions.sessionCookies,
      poolSize: args.poolSize,
      connections: args.connections,
      durationSeconds: args.seconds,
      warmupSeconds: args.warmupSeconds,
      rounds: args.rounds,
    };
    if (args.only.has('me')) {
      step(`auth.me against the baseline (${args.rounds} rounds of ${args.seconds} s each)`);
      results.authMe = await benchAuthMe({ ...meLoad, databaseUrl: database.url });
    }
    if (args.only.has('observability')) {
      step('auth.me with logging and metrics on and off (palindromic blocks of one-second rounds)');
      results.observability = await benchObservabilityCost(meLoad);
    }
    if (args.only.has('signins')) {
      step(`full sign-ins (${args.clients} clients, ${args.signInSeconds} s)`);
      results.signIns = await benchSignIns({
        setup,
        mail,
        emails: signInUsers.emails,
        virtualUsers: args.clients,
        durationSeconds: args.signInSeconds,
        warmupSeconds: args.warmupSeconds,
        poolSize: args.poolSize,
        databaseUrl: database.url,
      });
    }
    if (args.only.has('pooler')) {
      step('auth.me and sign-ins: direct, direct with unnamed statements, through PgBouncer (transaction mode)');
      results.pooler =
        (await benchPooler({
          setup,
          mail,
          databaseUrl: database.url,
          cookies: sessions.sessionCookies,
          emails: signInUsers.emails,
          poolSize: args.poolSize,
          connections: args.connections,
          clients: args.clients,
          seconds: args.seconds,
          warmupSeconds: args.warmupSeconds,
          rounds: Math.max(1, Math.ceil(args.rounds / 2)),
          signInSeconds: args.signInSeconds,
        })) ?? undefined;
    }
    if (args.profile && args.only.has('signins')) {
      step('CPU profile of the API during sign-ins');
      const dir = join(resultsDir, 'profile-sign-ins');
      await benchSignIns({
        setup,
        mail,
        emails: signInUsers.emails,
        virtualUsers: args.clients,
        durationSeconds: args.quick ? 3 : 8,
        warmupSeconds: 1,
        poolSize: args.poolSize,
        databaseUrl: undefined,
        nodeArgs: profileFlags(dir),
      });
      results.signInProfile = summariseProfile(dir);
    }
    if (args.profile) {
      step('CPU profile of the API under auth.me load');
      const dir = join(resultsDir, 'profile');
      results.profile = await profileAuthMe({
        setup,
        cookies: sessions.sessionCookies,
        dir,
        seconds: args.quick ? 3 : 8,
        connections: args.connections,
        poolSize: args.poolSize,
      });
    }

    const report = {
      startedAt: startedAt.toISOString(),
      seconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
      machine: await machine(serverUrl),
      database: database.kind,
      settings: { ...args, only: [...args.only] },
      results,
    };
    const file = join(resultsDir, 'latest.json');
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\n${formatTable(results)}\n`);
    if (results.profile) console.log(`${formatProfile(results.profile, 'auth.me load')}\n`);
    if (results.signInProfile) console.log(`${formatProfile(results.signInProfile, 'sign-ins')}\n`);
    console.log(`${report.machine.cpus} cores (${report.machine.cpuModel}), Node ${report.machine.node}, ${report.machine.postgres ?? 'embedded PGlite'}`);
    console.log(`written ${file} (server log: ${setup.logFile}) in ${report.seconds} s`);
  } finally {
    await mail.close();
    await database.drop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

function findPnpm(): string | null {
  const found = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  return found.status === 0 ? 'pnpm' : null;
}

async function machine(serverUrl: string | undefined) {
  let postgres: string | null = null;
  if (serverUrl) {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    postgres = `PostgreSQL ${(await client.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]?.v ?? '?'}`;
    await client.end();
  }
  return {
    os: type(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.versions.node,
    postgres,
  };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
