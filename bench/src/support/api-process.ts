import { join } from 'node:path';
import { freePort } from '@app/api/testing';
import { type RunningProcess, startProcess } from './processes';

export interface ApiSetup {
  repoRoot: string;
  /** DATABASE_URL or DATA_DIR. */
  databaseEnv: Record<string, string>;
  postmark: { url: string; token: string };
  secret: string;
  logFile: string;
}

/** Every default limit relaxed so one loopback client can sign in hundreds of times a second. */
export const RELAXED_LIMITS = {
  AUTH_LIMIT_CODES_PER_EMAIL: '1000000/1h',
  AUTH_LIMIT_CODES_PER_MAILBOX: '1000000/1h',
  AUTH_LIMIT_WRONG_CODES_PER_EMAIL: '1000000/1h',
  AUTH_LIMIT_CODES_PER_IP: '1000000/1h',
  AUTH_LIMIT_VERIFIES_PER_IP: '1000000/1h',
  AUTH_RESEND_COOLDOWN_SECONDS: '0',
} as const;

/** Logging and metrics on, as production runs them: a log line per request, a histogram, /metrics. */
export const OBSERVED_ENV = { LOG_LEVEL: 'info', METRICS_TOKEN: 'bench-metrics-token-0123456789' } as const;

/** The production server's environment, on a loopback port, with nothing inherited but PATH and HOME. */
export function apiEnv(setup: ApiSetup, port: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    APP_URL: `http://127.0.0.1:${port}`,
    AUTH_SECRET: setup.secret,
    POSTMARK_SERVER_TOKEN: setup.postmark.token,
    POSTMARK_API_URL: setup.postmark.url,
    MAIL_FROM: 'Bench <auth@bench.test>',
    ...RELAXED_LIMITS,
    ...setup.databaseEnv,
    ...extra,
  };
}

/**
 * `node --enable-source-maps apps/api/dist/main.js`, exactly what `pnpm start` runs; with `core`,
 * started through `taskset` on that core alone.
 */
export async function startApi(
  setup: ApiSetup,
  options: { nodeArgs?: string[]; env?: Record<string, string>; timeoutMs?: number; core?: number } = {},
): Promise<RunningProcess> {
  const port = await freePort();
  const node = [process.execPath, ...(options.nodeArgs ?? []), '--enable-source-maps', 'dist/main.js'];
  return startProcess({
    name: 'api',
    command: options.core === undefined ? node[0]! : 'taskset',
    args: options.core === undefined ? node.slice(1) : ['--cpu-list', String(options.core), ...node],
    cwd: join(setup.repoRoot, 'apps/api'),
    env: apiEnv(setup, port, options.env),
    port,
    logFile: setup.logFile,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
}

/** The plain express + pg baseline (bench/src/baseline/server.ts) as a process of its own. */
export async function startBaseline(setup: ApiSetup, databaseUrl: string, poolSize: number): Promise<RunningProcess> {
  const port = await freePort();
  return startProcess({
    name: 'baseline',
    command: process.execPath,
    args: ['--import', 'tsx', 'src/baseline/server.ts'],
    cwd: join(setup.repoRoot, 'bench'),
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      NODE_ENV: 'production',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      POOL_SIZE: String(poolSize),
    },
    port,
    logFile: setup.logFile,
  });
}
