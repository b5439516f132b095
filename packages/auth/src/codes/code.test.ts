import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { codeMatchesAny, generateCode, hashCode, normalizeCode } from './code';

describe('codes', () => {
  it('are numeric strings of the configured length', () => {
    for (const length of [6, 8]) {
      for (let i = 0; i < 200; i++) expect(generateCode(randomBytes, length)).toMatch(new RegExp(`^\\d{${length}}$`));
    }
  });

  it('use every digit about equally (no modulo bias)', () => {
    const counts = Array<number>(10).fill(0);
    for (let i = 0; i < 5000; i++) for (const d of generateCode(randomBytes, 6)) counts[Number(d)]! += 1;
    // 30,000 digits: each expected 3,000; a biased generator (byte % 10) would push 0–5 to ~3,125.
    for (const c of counts) expect(Math.abs(c - 3000)).toBeLessThan(250);
  });

  it('skips bytes that would bias the digits', () => {
    const bytes = [255, 250, 7, 251, 3, 4, 5, 6, 9, 1];
    const fake = (n: number) => Buffer.from(bytes.splice(0, n));
    expect(generateCode(fake, 6)).toBe('734569');
  });

  it('hash with the server secret and the attempt, so a hash is useless elsewhere', () => {
    const a = hashCode('secret-1', 'attempt-1', '123456');
    expect(a).toHaveLength(32);
    expect(hashCode('secret-2', 'attempt-1', '123456').equals(a)).toBe(false);
    expect(hashCode('secret-1', 'attempt-2', '123456').equals(a)).toBe(false);
    expect(codeMatchesAny('secret-1', 'attempt-1', '123456', [hashCode('secret-1', 'attempt-1', '000000'), a])).toBe(true);
    expect(codeMatchesAny('secret-1', 'attempt-1', '123457', [a])).toBe(false);
    expect(codeMatchesAny('secret-1', 'attempt-1', '123456', [])).toBe(false);
  });

  it('normalize pasted codes', () => {
    expect(normalizeCode(' 123 456 ')).toBe('123456');
    expect(normalizeCode('123-456')).toBe('123456');
    expect(normalizeCode(123456)).toBeNull();
    expect(normalizeCode('1'.repeat(65))).toBeNull();
  });
});
