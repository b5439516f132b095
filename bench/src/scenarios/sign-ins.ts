import pg from 'pg';
import { type ApiSetup, startApi } from '../support/api-process';
import { postgresCpuDelta, postgresCpuMs, processCpuMs } from '../support/cpu-time';
import { cookieFrom, createJsonClient, type JsonClient } from '../support/http-client';
import type { MailCatcher } from '../support/mail-catcher';
import { percentile, round } from '../support/stats';

export interface SignInsResult {
  virtualUsers: number;
  durationSeconds: number;
  poolSize: number;
  signInsPerSecond: number;
  completed: number;
  failed: number;
  /** One whole sign-in: request code, receive the email, verify. */
  p50Ms: number;
  p99Ms: number;
  firstError: string | null;
  /** CPU per completed sign-in: the API process, the Postgres backends, this process (clients and mail catcher), the pooler if any. */
  cpuMicrosPerSignIn: { api: number | null; postgres: number | null; bench: number; pooler?: number | null };
  /** Transactions Postgres committed per sign-in under this load (autocommitted statements count one each). */
  commitsPerSignIn: number | null;
  /** Emails per request the mail catcher received: how many emails one delivery pass carried under this load. */
  emailsPerPostmarkRequest: number;
}

export interface SignInsOptions {
  setup: ApiSetup;
  mail: MailCatcher;
  /** Registered users; each virtual user signs in as its own share of them, in turn. */
  emails: readonly string[];
  virtualUsers: number;
  durationSeconds: number;
  warmupSeconds: number;
  poolSize: number;
  /** The bench database's URL, to read its backends' CPU time (Postgres on this machine only). */
  databaseUrl: string | undefined;
  /** Extra node flags for the API process (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** More environment for the API process (e.g. a DATABASE_URL through a pooler). */
  env?: Record<string, string>;
  /** A connection pooler's process, to charge its CPU per sign-in too. */
  poolerPid?: number;
}

const TIMEZONE = 'Europe/Berlin';

/**
 * Full sign-ins as the SPA makes them: POST requestCode, the code read from the email the server
 * sent (through the real postmark client), POST verifyCode with the attempt cookie, which must
 * answer with a session cookie. N virtual users in parallel for a bounded time.
 */
export async function benchSignIns(options: SignInsOptions): Promise<SignInsResult> {
  const server = await startApi(options.setup, {
    env: { DATABASE_POOL_SIZE: String(options.poolSize), ...options.env },
    ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
  });
  // Each client signs in from an address of its own (127.0.0.2, .3, …), as people do: one shared
  // address would make the per-network limit rows a lock every sign-in queues for.
  const clients = Array.from({ length: options.virtualUsers }, (_, i) =>
    createJsonClient(server.url, { origin: server.url, maxSockets: 1, localAddress: `127.0.${Math.floor((i + 2) / 256)}.${(i + 2) % 256}` }),
  );
  const monitor = options.databaseUrl ? new pg.Client({ connectionString: options.databaseUrl }) : null;
  try {
    await monitor?.connect();
    const database = options.databaseUrl ? new URL(options.databaseUrl).pathname.slice(1) : '';
    await run(clients, options, options.warmupSeconds);
    const apiBefore = processCpuMs(server.pid);
    const poolerBefore = options.poolerPid ? processCpuMs(options.poolerPid) : null;
    const pgBefore = monitor ? await postgresCpuMs(monitor, database) : null;
    const commitsBefore = monitor ? await commits(monitor, database) : null;
    const mailBefore = { received: options.mail.received, requests: options.mail.requests };
    const benchBefore = process.cpuUsage();
    const measured = await run(clients, options, options.durationSeconds);
    const bench = process.cpuUsage(benchBefore);
    const mailRequests = options.mail.requests - mailBefore.requests;
    const apiAfter = processCpuMs(server.pid);
    const poolerAfter = options.poolerPid ? processCpuMs(options.poolerPid) : null;
    const pgMs = monitor ? postgresCpuDelta(pgBefore, await postgresCpuMs(monitor, database)) : null;
    const commitsAfter = monitor ? await commits(monitor, database) : null;
    const perSignIn = (ms: number | null) => (ms === null || measured.latencies.length === 0 ? null : round((ms * 1000) / measured.latencies.length, 0));
    return {
      virtualUsers: options.virtualUsers,
      durationSeconds: options.durationSeconds,
      poolSize: options.poolSize,
      signInsPerSecond: round(measured.latencies.length / measured.elapsedSeconds, 0),
      completed: measured.latencies.length,
      failed: measured.failed,
      p50Ms: round(percentile(measured.latencies, 50), 1),
      p99Ms: round(percentile(measured.latencies, 99), 1),
      firstError: measured.firstError,
      cpuMicrosPerSignIn: {
        api: perSignIn(apiBefore === null || apiAfter === null ? null : apiAfter - apiBefore),
        postgres: perSignIn(pgMs),
        bench: perSignIn((bench.user + bench.system) / 1000) ?? 0,
        ...(options.poolerPid ? { pooler: perSignIn(poolerBefore === null || poolerAfter === null ? null : poolerAfter - poolerBefore) } : {}),
      },
      commitsPerSignIn:
        commitsBefore === null || commitsAfter === null || measured.latencies.length === 0
          ? null
          : round((commitsAfter - commitsBefore) / measured.latencies.length, 1),
      emailsPerPostmarkRequest: mailRequests === 0 ? 0 : round((options.mail.received - mailBefore.received) / mailRequests, 1),
    };
  } finally {
    await monitor?.end();
    for (const client of clients) client.close();
    await server.stop();
  }
}

async function run(clients: JsonClient[], options: SignInsOptions, seconds: number) {
  const { emails, virtualUsers, mail } = options;
  const latencies: number[] = [];
  let failed = 0;
  let firstError: string | null = null;
  const started = performance.now();
  const deadline = started + seconds * 1000;

  const virtualUser = async (index: number) => {
    for (let turn = 0; performance.now() < deadline; turn += 1) {
      const email = emails[(index + turn * virtualUsers) % emails.length]!;
      const begun = performance.now();
      try {
        await signIn(clients[index]!, mail, email);
        latencies.push(performance.now() - begun);
      } catch (error) {
        failed += 1;
        firstError ??= (error as Error).message;
        if (failed > 100) throw new Error(`sign-ins keep failing: ${firstError}`, { cause: error });
      }
    }
  };
  await Promise.all(Array.from({ length: virtualUsers }, (_, i) => virtualUser(i)));
  return { latencies, failed, firstError, elapsedSeconds: (performance.now() - started) / 1000 };
}

/** Transactions committed in `database` so far (Postgres's statistics, updated about once a second). */
async function commits(client: pg.Client, database: string): Promise<number> {
  await client.query('select pg_stat_clear_snapshot()');
  const { rows } = await client.query<{ n: string }>('select xact_commit as n from pg_stat_database where datname = $1', [database]);
  return Number(rows[0]?.n ?? 0);
}

async function signIn(client: JsonClient, mail: MailCatcher, email: string): Promise<void> {
  const requested = await client.post('/trpc/auth.requestCode?batch=1', { 0: { email } });
  const attempt = cookieFrom(requested.setCookies, 'signin-attempt');
  if (requested.status !== 200 || !attempt) throw new Error(`requestCode: ${requested.status} ${JSON.stringify(requested.body)}`);
  const code = await mail.nextCode(email);
  const verified = await client.post('/trpc/auth.verifyCode?batch=1', { 0: { email, code, timezone: TIMEZONE } }, attempt);
  if (verified.status !== 200 || !cookieFrom(verified.setCookies, 'session')) {
    throw new Error(`verifyCode: ${verified.status} ${JSON.stringify(verified.body)}`);
  }
}
