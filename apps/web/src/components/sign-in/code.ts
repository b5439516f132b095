// Whitespace plus the dashes people (and mail clients) put inside codes: - ‐ ‑ ‒ – — ― −
const separators = /[\s\-\u2010-\u2015\u2212]/g;

/** The code as the server expects it: "123 456" and "123-456" (as pasted from the email) become "123456". */
export function normalizeCode(input: string): string {
  return input.replace(separators, '');
}
