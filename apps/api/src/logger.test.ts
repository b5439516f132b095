import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';

function capture(level: 'info' | 'warn' = 'info') {
  const lines: string[] = [];
  return { lines, log: createLogger({ level, destination: { write: (line: string) => void lines.push(line) } }) };
}

describe('logger', () => {
  it('writes the request line exactly as pino writes the same fields', () => {
    const { lines, log } = capture();
    const fields = { reqId: 'r-1', method: 'GET', procedure: 'auth.me', status: 200, durationMs: 1.5, ip: '::1', userId: undefined, quote: 'a "b" \\ c\n' };
    log.line('info', fields, 'request completed');
    log.pino.info(fields, 'request completed');
    const [fast, pino] = lines.map((line) => ({ ...(JSON.parse(line) as Record<string, unknown>), time: 'T' }));
    expect(fast).toEqual(pino);
    expect(lines[0]!.replace(/"time":"[^"]+"/, '')).toBe(lines[1]!.replace(/"time":"[^"]+"/, ''));
    expect(lines[0]!.endsWith('}\n')).toBe(true);
  });

  it('keeps the level filter for the request line', () => {
    const { lines, log } = capture('warn');
    log.line('info', { status: 200 }, 'request completed');
    log.line('warn', { status: 503 }, 'request failed');
    expect(lines.map((line) => (JSON.parse(line) as { level: string }).level)).toEqual(['warn']);
  });

  it('writes an ISO time', () => {
    const { lines, log } = capture();
    log.line('info', {}, 'x');
    const { time, msg } = JSON.parse(lines[0]!) as { time: string; msg: string };
    expect(new Date(time).toISOString()).toBe(time);
    expect(msg).toBe('x');
  });
});
