import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { admin } from '@app/db/testing';
import { freePort } from './free-port';

/** Debian's package puts it here; `.ci/run` installs it where missing. */
const PGBOUNCER = '/usr/sbin/pgbouncer';

/** A PgBouncer in transaction mode on a loopback port, in front of one Postgres server. */
export interface PgBouncer {
  port: number;
  /** PgBouncer's own process (not runuser's), for its CPU time. */
  pid: number;
  /** `url` (a database on the server behind it) as reached through the pooler. */
  through(url: string): string;
  /** The pooler's server connections to `database` (its admin console's SHOW SERVERS). */
  serverConnections(database: string): Promise<number>;
  stop(): Promise<void>;
}

/** Why PgBouncer cannot be started here, or null when it can. */
export function pgbouncerMissing(serverUrl: string | undefined): string | null {
  if (!serverUrl) return 'needs DATABASE_URL: the pooler sits in front of a Postgres server';
  if (!existsSync(PGBOUNCER)) return `needs PgBouncer at ${PGBOUNCER} (apt-get install pgbouncer)`;
  return null;
}

/**
 * Starts PgBouncer with an ini of its own in a temporary directory: `pool_mode = transaction`,
 * every database name passed through to the server (`*`), trust authentication (the server does
 * its own). PgBouncer refuses to run as root, so as root it runs as the `postgres` user.
 */
export async function startPgBouncer(serverUrl: string, options: { poolSize?: number } = {}): Promise<PgBouncer> {
  const server = new URL(serverUrl);
  const user = decodeURIComponent(server.username) || 'postgres';
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'pgbouncer-'));
  const ini = join(dir, 'pgbouncer.ini');
  await writeFile(join(dir, 'userlist.txt'), `"${user}" ""\n`);
  await writeFile(
    ini,
    [
      '[databases]',
      `* = host=${server.hostname} port=${server.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      'pool_mode = transaction',
      `default_pool_size = ${options.poolSize ?? 10}`,
      'max_client_conn = 500',
      // A test database is dropped WITH (FORCE) at the end; the pooler then just reconnects.
      'server_login_retry = 1',
      'ignore_startup_parameters = extra_float_digits',
      `admin_users = ${user}`,
      '',
    ].join('\n'),
  );
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await chmod(dir, 0o755);
  const child: ChildProcess = asRoot
    ? spawn('runuser', ['-u', 'postgres', '--', PGBOUNCER, ini], { stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn(PGBOUNCER, [ini], { stdio: ['ignore', 'ignore', 'pipe'] });
  let said = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (said = (said + chunk).slice(-4000)));
  let exited = false;
  const exit = new Promise<void>((done) => child.once('exit', () => ((exited = true), done())));

  const stop = async () => {
    if (!exited) {
      // runuser forwards the signal to PgBouncer and waits for it.
      child.kill('SIGTERM');
      await exit;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForListener(port, () => exited, 10_000);
  } catch (error) {
    await stop();
    throw new Error(`PgBouncer did not start: ${(error as Error).message}; it said: ${said.trim()}`, { cause: error });
  }
  // As root, PgBouncer is runuser's only child.
  const pid = asRoot ? Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim()) : child.pid!;
  return {
    port,
    pid,
    through(url: string) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    async serverConnections(database: string) {
      // The admin console speaks the simple query protocol only: a query without parameters.
      const { rows } = await admin(`postgres://${user}@127.0.0.1:${port}/pgbouncer`, (c) => c.query<{ database: string }>('SHOW SERVERS'));
      return rows.filter((row) => row.database === database).length;
    },
    stop,
  };
}

async function waitForListener(port: number, gone: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await accepts(port))) {
    if (gone()) throw new Error('it exited');
    if (Date.now() > deadline) throw new Error(`nothing listened on port ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

