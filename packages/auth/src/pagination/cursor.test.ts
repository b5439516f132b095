import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, isBigintKey, isTimestampKey, pageSize, toPage } from './cursor';

describe('cursors', () => {
  it('round-trips a key', () => {
    const key = ['2026-01-05T10:00:00.123456Z', '0b8c5a8e-4f0a-4d4e-9a55-2a7c0d9f0f11'];
    expect(decodeCursor(encodeCursor(key), 2)).toEqual(key);
  });

  it('refuses anything it did not make', () => {
    const absurd = [
      '',
      'not base64!',
      'x'.repeat(600),
      Buffer.from('{"a":1}').toString('base64url'),
      Buffer.from('[1,2]').toString('base64url'),
      Buffer.from('["only one"]').toString('base64url'),
      Buffer.from('not json').toString('base64url'),
      encodeCursor(['a', 'b']).slice(0, -3),
    ];
    for (const cursor of absurd) expect(decodeCursor(cursor, 2)).toBeNull();
  });

  it('pages `size + 1` rows and points after the last one shown', () => {
    const page = toPage([1, 2, 3], 2, (n) => [String(n)], (n) => n * 10);
    expect(page.items).toEqual([10, 20]);
    expect(decodeCursor(page.nextCursor!, 1)).toEqual(['2']);
    expect(toPage([1, 2], 2, (n) => [String(n)], (n) => n).nextCursor).toBeNull();
    expect(toPage([], 2, (n: number) => [String(n)], (n) => n)).toEqual({ items: [], nextCursor: null });
  });
});

describe('page size', () => {
  it('defaults to 25 and accepts 1–100', () => {
    expect(pageSize(undefined)).toEqual({ ok: true, size: 25 });
    expect(pageSize(1)).toEqual({ ok: true, size: 1 });
    expect(pageSize(100)).toEqual({ ok: true, size: 100 });
    for (const bad of [0, -1, 101, 2.5, Number.NaN]) expect(pageSize(bad)).toEqual({ ok: false, reason: 'bad_request' });
  });
});

describe('cursor keys', () => {
  it('accepts only real microsecond timestamps', () => {
    expect(isTimestampKey('2026-01-05T10:00:00.123456Z')).toBe(true);
    for (const bad of ['2026-02-31T10:00:00.000000Z', '2026-13-01T00:00:00.000000Z', '0000-01-01T00:00:00.000000Z', '2026-01-05T10:00:00.123Z', '2026-01-05 10:00:00.123456Z', "2026-01-05T10:00:00.123456Z'"]) {
      expect(isTimestampKey(bad)).toBe(false);
    }
  });

  it('accepts only bigint ids', () => {
    expect(isBigintKey('1')).toBe(true);
    expect(isBigintKey('9223372036854775807')).toBe(true);
    for (const bad of ['0', '-1', '01', '9223372036854775808', '1e3', '1 ', '']) expect(isBigintKey(bad)).toBe(false);
  });
});
