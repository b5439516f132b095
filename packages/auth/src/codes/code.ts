import { createHmac, timingSafeEqual } from 'node:crypto';

/** A numeric code of `length` digits from a CSPRNG, without modulo bias. */
export function generateCode(randomBytes: (size: number) => Buffer, length: number): string {
  let code = '';
  while (code.length < length) {
    for (const byte of randomBytes(length)) {
      // 250 = 25 × 10: bytes above it would favour low digits.
      if (byte < 250 && code.length < length) code += String(byte % 10);
    }
  }
  return code;
}

/** HMAC-SHA-256 of the code, bound to its attempt so a hash is useless anywhere else. */
export function hashCode(secret: string, attemptId: string, code: string): Buffer {
  return createHmac('sha256', secret).update(`${attemptId}:${code}`).digest();
}

/** True when the code matches any of the stored hashes; every hash is compared, in constant time. */
export function codeMatchesAny(secret: string, attemptId: string, code: string, storedHashes: Uint8Array[]): boolean {
  const presented = hashCode(secret, attemptId, code);
  let matched = false;
  for (const stored of storedHashes) {
    if (stored.length === presented.length && timingSafeEqual(presented, stored)) matched = true;
  }
  return matched;
}

/** Removes what people paste around a code ("123 456", "123-456"). */
export function normalizeCode(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > 64) return null;
  return input.replace(/[\s-]/g, '');
}
