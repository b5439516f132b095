import { describe, expect, it } from 'vitest';
import { normalizeCode } from './code';

describe('normalizeCode', () => {
  it.each([
    ['123456', '123456'],
    ['123 456', '123456'],
    ['123-456', '123456'],
    ['  123456\n', '123456'],
    ['1 2 3 4 5 6', '123456'],
    ['123\u00a0456', '123456'], // non-breaking space from an HTML email
    ['123–456', '123456'], // en dash
    ['123\t-\t456', '123456'],
  ])('%j → %j', (input, code) => {
    expect(normalizeCode(input)).toBe(code);
  });

  it('leaves other characters for the server to judge', () => {
    expect(normalizeCode('12a456')).toBe('12a456');
    expect(normalizeCode('')).toBe('');
  });
});
