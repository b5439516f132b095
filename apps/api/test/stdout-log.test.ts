import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * The production logger's standard output: lines are gathered and written up to 256 kB at a time, a
 * quarter of a second at the latest, and whatever is left when the process exits.
 */
const apiRoot = resolve(import.meta.dirname, '..');

function run(script: string) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: apiRoot, encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`the script failed: ${result.stderr}`);
  return result.stdout.split('\n').filter(Boolean);
}

const logger = `import { createLogger } from './src/logger.ts'; const log = createLogger({ level: 'info' });`;
const fields = `{ reqId: 'r', method: 'GET', procedure: 'auth.me', status: 200, durationMs: 1, ip: '127.0.0.1', userId: undefined }`;

describe('standard output', () => {
  it('keeps every line, in order, the request lines and pino’s own, including those written just before the process exits', () => {
    const lines = run(`${logger}
      for (let i = 0; i < 3000; i++) {
        log.requestLine('info', { ...${fields}, status: 200 + (i % 2) }, 'line ' + i);
        if (i % 300 === 299) log.warn('between', { n: i });
      }
      log.warn('last', { n: 3000 });
      process.exit(0);`);
    // About 450 kB: written in full batches and the rest at the exit. Request lines are made
    // text later than pino's own; they still come out in the order they were logged.
    const expected = Array.from({ length: 3000 }, (_, i) => (i % 300 === 299 ? [`line ${i}`, 'between'] : [`line ${i}`])).flat();
    expect(lines).toHaveLength(3011);
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual([...expected, 'last']);
  });

  it('writes any text as UTF-8, a line longer than a batch included, without splitting or reordering lines', () => {
    const lines = run(`${logger}
      log.info('Zoë ✓ 🔐', { n: 0 });
      log.info('long', { n: 1, text: '€'.repeat(100000) });
      for (let i = 2; i < 600; i++) log.info('ünïcödé ' + i, { n: i });
      process.exit(0);`);
    const parsed = lines.map((line) => JSON.parse(line) as { msg: string; n: number; text?: string });
    expect(parsed.map((line) => line.n)).toEqual(Array.from({ length: 600 }, (_, i) => i));
    expect(parsed[0]!.msg).toBe('Zoë ✓ 🔐');
    // 300 kB of UTF-8 in one line: more than a batch holds.
    expect(parsed[1]!.text).toBe('€'.repeat(100000));
    expect(parsed[599]!.msg).toBe('ünïcödé 599');
  });

  it('writes what it gathered within a quarter of a second, without waiting for 256 kB or the exit', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `${logger}
      log.requestLine('info', ${fields}, 'early');
      setTimeout(() => process.exit(0), 3000);`], { cwd: apiRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number>((done) => child.once('exit', () => done(Date.now())));
    const arrived = await new Promise<number>((done, fail) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => chunk.includes('"msg":"early"') && done(Date.now()));
      child.once('exit', () => fail(new Error('the line came only with the exit')));
    });
    // Seen while the process still had seconds to run: the periodic write, not the exit, sent it.
    expect((await exited) - arrived).toBeGreaterThan(1500);
  });
});
