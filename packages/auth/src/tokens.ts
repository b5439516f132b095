import { createHash, timingSafeEqual } from 'node:crypto';

// Lucia's alphabet: lower-case, no look-alikes (0/o, 1/l). 32 symbols = 5 bits per character.
export const TOKEN_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
const ALPHABET = TOKEN_ALPHABET;
const ID_LENGTH = 24; // 120 bits
const SECRET_LENGTH = 26; // 130 bits

/** `length` symbols of the token alphabet from a CSPRNG: 5 bits each. */
export function randomString(randomBytes: (size: number) => Buffer, length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  // 256 is a multiple of 32, so taking the low 5 bits keeps every symbol equally likely.
  for (const byte of bytes) out += ALPHABET[byte & 31];
  return out;
}

export interface Token {
  id: string;
  secret: string;
  /** What the cookie carries: `<id>.<secret>`. */
  value: string;
}

/** A new `<id>.<secret>` token; the database keeps the id and a hash of the secret. */
export function generateToken(randomBytes: (size: number) => Buffer): Token {
  const id = randomString(randomBytes, ID_LENGTH);
  const secret = randomString(randomBytes, SECRET_LENGTH);
  return { id, secret, value: `${id}.${secret}` };
}

const TOKEN_PATTERN = new RegExp(`^[${ALPHABET}]{${ID_LENGTH}}\\.[${ALPHABET}]{${SECRET_LENGTH}}$`);

/** Splits a cookie value into id and secret; anything malformed is null. */
export function parseToken(value: unknown): Omit<Token, 'value'> | null {
  if (typeof value !== 'string' || !TOKEN_PATTERN.test(value)) return null;
  const [id = '', secret = ''] = value.split('.');
  return { id, secret };
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/** Compares a presented secret with a stored hash in constant time. */
export function secretMatches(secret: string, storedHash: Uint8Array): boolean {
  const presented = hashSecret(secret);
  return storedHash.length === presented.length && timingSafeEqual(presented, storedHash);
}
