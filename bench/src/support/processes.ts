import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { sleep } from './stats';

export interface RunningProcess {
  name: string;
  url: string;
  pid: number;
  /** Milliseconds from spawn to the first 200 from `readyPath`. */
  readyAfterMs: number;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  port: number;
  /** stdout and stderr of the process are appended here. */
  logFile: string;
  readyPath?: string;
  timeoutMs?: number;
  /** Start it as a process group and signal the whole group (for wrappers such as `pnpm start`). */
  group?: boolean;
}

/** Spawns a server on a loopback port and waits until it answers `readyPath` (GET /healthz). */
export async function startProcess(options: StartOptions): Promise<RunningProcess> {
  const log = openSync(options.logFile, 'a');
  const started = performance.now();
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', log, log],
    detached: options.group ?? false,
  });
  closeSync(log);
  const signal = (name: NodeJS.Signals | 0): boolean => {
    try {
      return options.group ? process.kill(-child.pid!, name) : child.kill(name);
    } catch {
      return false; // the group is gone
    }
  };
  // A wrapper may exit before its children: wait for the whole group.
  const exited = (async () => {
    await new Promise<void>((resolve) => child.once('exit', () => resolve()));
    while (options.group && signal(0)) await sleep(20);
  })();
  const url = `http://127.0.0.1:${options.port}`;
  try {
    await waitUntilReady(child, `${url}${options.readyPath ?? '/healthz'}`, options.timeoutMs ?? 60_000);
  } catch (error) {
    signal('SIGKILL');
    await exited;
    throw new Error(`${options.name} did not start (see ${options.logFile}): ${(error as Error).message}`, { cause: error });
  }
  const readyAfterMs = performance.now() - started;
  return {
    name: options.name,
    url,
    pid: child.pid!,
    readyAfterMs,
    async stop(graceMs = 10_000) {
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function waitUntilReady(child: ChildProcess, url: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited with ${child.exitCode ?? child.signalCode}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(10);
  }
  throw new Error(`no answer from ${url} within ${timeoutMs} ms`);
}
