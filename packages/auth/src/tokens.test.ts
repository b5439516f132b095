import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateToken, hashSecret, parseToken, secretMatches } from './tokens';

describe('tokens', () => {
  it('are <id>.<secret> with at least 128 bits of secret, and unique', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const t = generateToken(randomBytes);
      expect(t.value).toBe(`${t.id}.${t.secret}`);
      expect(t.secret.length * 5).toBeGreaterThanOrEqual(128);
      seen.add(t.value);
    }
    expect(seen.size).toBe(1000);
  });
  it('parse back, and refuse other shapes', () => {
    const t = generateToken(randomBytes);
    expect(parseToken(t.value)).toEqual({ id: t.id, secret: t.secret });
    for (const bad of ['', t.id, `${t.value}.x`, t.value.toUpperCase(), ` ${t.value}`, 5, null]) expect(parseToken(bad)).toBeNull();
  });
  it('match a secret to its hash only', () => {
    const t = generateToken(randomBytes);
    expect(secretMatches(t.secret, hashSecret(t.secret))).toBe(true);
    expect(secretMatches(`${t.secret}x`, hashSecret(t.secret))).toBe(false);
    expect(secretMatches(t.secret, new Uint8Array(3))).toBe(false);
  });
});
