import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const apiDir = resolve(import.meta.dirname, '../..');

/** One JSON log line of the server (see src/logger.ts). */
export interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

/** The API as its own process (`src/main.ts` through tsx, or a built `dist/main.js`). */
export interface ApiProcess {
  /** Where it listens, from its "server listening" line. */
  readonly url: string;
  readonly pid: number;
  /** Every JSON line it printed so far, stdout and stderr. */
  readonly lines: readonly LogLine[];
  waitForLine(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Sends `signal` and waits for the process to end. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts the server with exactly `env` (plus PATH), waits until it listens (bounded), and collects
 * its log. Nothing is inherited from the test's environment, so no setting leaks in.
 */
export async function startApiProcess(options: {
  env: Record<string, string>;
  entry?: 'source' | 'dist';
  /** Another way to start it (`pnpm start`, a deployed copy); it runs as a process group of its own. */
  command?: { file: string; args: string[]; cwd: string };
  startTimeoutMs?: number;
}): Promise<ApiProcess> {
  const args = options.entry === 'dist' ? ['--enable-source-maps', 'dist/main.js'] : ['--import', 'tsx', 'src/main.ts'];
  const command = options.command ?? { file: process.execPath, args, cwd: apiDir };
  const child: ChildProcess = spawn(command.file, command.args, {
    cwd: command.cwd,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.command !== undefined,
  });
  const lines: LogLine[] = [];
  // What was not a log line (a crash's stack trace), for the error message.
  const other: string[] = [];
  const waiters = new Set<() => void>();
  let exited = false;
  const exit = new Promise<void>((done) => child.once('exit', () => ((exited = true), done())));
  for (const stream of [child.stdout!, child.stderr!]) {
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const part of parts) {
        try {
          const parsed: unknown = JSON.parse(part);
          if (parsed && typeof parsed === 'object' && 'msg' in parsed) lines.push(parsed as LogLine);
        } catch {
          if (part.trim()) other.push(part);
          other.splice(0, other.length - 20);
        }
      }
      for (const wake of [...waiters]) wake();
    });
  }

  const waitForLine = (predicate: (line: LogLine) => boolean, timeoutMs = 10_000) =>
    new Promise<LogLine>((done, fail) => {
      const check = () => {
        const found = lines.find(predicate);
        if (found) {
          clearTimeout(timer);
          waiters.delete(check);
          done(found);
        } else if (exited) {
          clearTimeout(timer);
          waiters.delete(check);
          fail(new Error(`API process exited; it said: ${JSON.stringify([...lines.slice(-5), ...other])}`));
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        fail(new Error(`API process: no matching log line within ${timeoutMs} ms; last lines: ${JSON.stringify(lines.slice(-5))}`));
      }, timeoutMs);
      waiters.add(check);
      void exit.then(check);
      check();
    });

  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    // A wrapper such as pnpm may not pass the signal on: the whole group gets it.
    if (exited) return exit;
    if (options.command) process.kill(-child.pid!, signal);
    else child.kill(signal);
    await exit;
  };

  try {
    const listening = await waitForLine((l) => l.msg === 'server listening', options.startTimeoutMs ?? 60_000);
    return { url: String(listening.url), pid: child.pid!, lines, waitForLine, stop };
  } catch (error) {
    await stop('SIGKILL');
    throw error;
  }
}
