// Whitespace plus the dashes people (and mail clients) put inside codes: - ‐ ‑ ‒ – — ― −
const separators = /[\s\-\u2010-\u2015\u2212]/g;
const separator = String.raw`[\s\-\u2010-\u2015\u2212]`;

/** The code as the server expects it: "123 456" and "123-456" (as pasted from the email) become "123456". */
export function normalizeCode(input: string): string {
  return input.replace(separators, '');
}

/** Whether a normalized code has the shape the server sends: `length` digits. */
export function isCodeShaped(code: string, length: number): boolean {
  return code.length === length && /^\d+$/.test(code);
}

/**
 * The input's `pattern`: `length` digits with separators anywhere, as pasted. (Escaped for the `v`
 * flag that browsers give `pattern`.)
 */
export function codeInputPattern(length: number): string {
  return `(?:${separator}*\\d){${length}}${separator}*`;
}

/** The input's `maxlength`: room for a separator beside every digit, as some emails space them. */
export function codeMaxLength(length: number): number {
  return length * 2 + 1;
}
