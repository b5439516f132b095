import { describe, expect, it } from 'vitest';
import { createLogger, type RequestLineFields } from './logger';

function capture(level: 'info' | 'warn' = 'info') {
  const lines: string[] = [];
  return { lines, log: createLogger({ level, destination: { write: (line: string) => void lines.push(line) } }) };
}

const request: RequestLineFields = { reqId: 'r-1', method: 'GET', procedure: 'auth.me', status: 200, durationMs: 1.5, ip: '::1', userId: undefined };
const withoutTime = (line: string) => line.replace(/"time":"[^"]+"/, '');

describe('logger', () => {
  it('writes the request line exactly as pino writes the same fields', () => {
    const cases: RequestLineFields[] = [
      request,
      { ...request, ip: null, userId: '6c1f0a34-8a1e-4a43-9d4e-0d5b8a0e2f11', status: 503, durationMs: 12 },
      // A proxy's request id may carry what JSON escapes; the line stays one valid line.
      { ...request, reqId: 'a "b" \\ c\n\u2028', method: 'PATCH' },
      // Each field is quoted as it is only when it needs no escaping: every field can carry one.
      { ...request, method: 'a"b', procedure: 'x\\y', ip: 'tab\there', userId: 'nul\u0000 \u001f' },
      // Durations: tenths are written from integers, anything else as JSON writes it.
      ...[0, 0.1, 0.5, 1, 9.9, 10, 12.3, 1234.5, 100000.1, 2.25, 1 / 3, 1e21, -1.5].map((durationMs) => ({ ...request, durationMs })),
    ];
    for (const fields of cases) {
      const { lines, log } = capture();
      log.requestLine('info', fields, 'request completed');
      log.pino.info(fields, 'request completed');
      const [fast, pino] = lines.map((line) => ({ ...(JSON.parse(line) as Record<string, unknown>), time: 'T' }));
      expect(fast).toEqual(pino);
      expect(withoutTime(lines[0]!)).toBe(withoutTime(lines[1]!));
      expect(lines[0]!.endsWith('}\n')).toBe(true);
      expect(lines[0]!.slice(0, -1)).not.toContain('\n');
    }
  });

  it('keeps the level filter for the request line', () => {
    const { lines, log } = capture('warn');
    log.requestLine('info', request, 'request completed');
    log.requestLine('warn', { ...request, status: 503 }, 'request failed');
    expect(lines.map((line) => (JSON.parse(line) as { level: string }).level)).toEqual(['warn']);
  });

  it('writes the time of the line, in ISO form, for request lines and pino’s own alike', async () => {
    const { lines, log } = capture();
    const before = Date.now();
    log.requestLine('info', request, 'x');
    // Past a second's boundary: the second's text is made again.
    await new Promise((done) => setTimeout(done, 1000 - (Date.now() % 1000) + 5));
    log.requestLine('info', request, 'y');
    log.info('z');
    const after = Date.now();
    const parsed = lines.map((line) => JSON.parse(line) as { time: string; msg: string });
    expect(parsed.map((line) => line.msg)).toEqual(['x', 'y', 'z']);
    for (const { time } of parsed) {
      expect(new Date(time).toISOString()).toBe(time);
      expect(Date.parse(time)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(time)).toBeLessThanOrEqual(after);
    }
    expect(Math.floor(Date.parse(parsed[1]!.time) / 1000)).toBeGreaterThan(Math.floor(Date.parse(parsed[0]!.time) / 1000));
  });
});
