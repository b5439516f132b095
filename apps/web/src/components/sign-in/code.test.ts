import { describe, expect, it } from 'vitest';
import { codeInputPattern, codeMaxLength, isCodeShaped, normalizeCode } from './code';

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

describe('the code’s shape, from the length the API sends', () => {
  it.each([
    ['123456', 6, true],
    ['12345678', 8, true],
    ['12345', 6, false],
    ['1234567', 6, false],
    ['12a456', 6, false],
    ['123456', 8, false],
  ])('%j with %i digits: %s', (code, length, shaped) => {
    expect(isCodeShaped(code, length)).toBe(shaped);
  });

  it('lets the input take a pasted code with separators, and exactly that many digits', () => {
    for (const length of [6, 8, 10]) {
      const pattern = new RegExp(`^(?:${codeInputPattern(length)})$`, 'v');
      const digits = '1234567890'.slice(0, length);
      expect(pattern.test(digits)).toBe(true);
      expect(pattern.test(`${digits.slice(0, 3)} – ${digits.slice(3)}`)).toBe(true);
      expect(pattern.test(digits.slice(1))).toBe(false);
      expect(pattern.test(`${digits}1`)).toBe(false);
      expect(pattern.test(`${digits.slice(1)}a`)).toBe(false);
      expect(codeMaxLength(length)).toBeGreaterThanOrEqual(`${digits.split('').join(' ')} `.length);
    }
  });
});
