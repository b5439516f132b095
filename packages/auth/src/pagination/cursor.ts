import { fail, type Failure } from '../reasons';

/** One page of a keyset-paginated list. */
export interface Page<T> {
  items: T[];
  /** Pass back to get the next page; null on the last page. */
  nextCursor: string | null;
}

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;
const MAX_CURSOR_LENGTH = 512;

/** The page size to use, or a failure for one outside 1–100. */
export function pageSize(limit: number | undefined): { ok: true; size: number } | Failure<'bad_request'> {
  if (limit === undefined) return { ok: true, size: DEFAULT_PAGE_SIZE };
  return Number.isInteger(limit) && limit >= 1 && limit <= MAX_PAGE_SIZE ? { ok: true, size: limit } : fail('bad_request');
}

/** An opaque cursor: the last row's sort key as base64url JSON (a key, not a secret: admins may list any page). */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The key inside a cursor, or null when it is not a cursor of `length` strings (truncated, tampered, absurd). */
export function decodeCursor(cursor: string, length: number): string[] | null {
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(key) || key.length !== length || !key.every((part) => typeof part === 'string')) return null;
  return key as string[];
}

/** Rows fetched with `size + 1` become a page; the extra row only says whether another page follows. */
export function toPage<Row, T>(rows: readonly Row[], size: number, keyOf: (row: Row) => string[], map: (row: Row) => T): Page<T> {
  const shown = rows.slice(0, size);
  const last = shown.at(-1);
  return { items: shown.map(map), nextCursor: rows.length > size && last !== undefined ? encodeCursor(keyOf(last)) : null };
}

const TIMESTAMP_KEY = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{6})Z$/;

/**
 * Whether `value` is a UTC timestamp with microseconds, as the database wrote it into a cursor.
 * Microseconds matter: a key cut to JavaScript's milliseconds would skip rows within that millisecond.
 */
export function isTimestampKey(value: string): boolean {
  if (!TIMESTAMP_KEY.test(value) || value.startsWith('0000')) return false;
  const millis = Date.parse(`${value.slice(0, 23)}Z`);
  // Date.parse rolls 31 February over to March; Postgres would refuse it, so refuse it here.
  return !Number.isNaN(millis) && new Date(millis).toISOString() === `${value.slice(0, 23)}Z`;
}

/** Whether `value` is a positive bigint id as Postgres stores it. */
export function isBigintKey(value: string): boolean {
  return /^[1-9]\d{0,18}$/.test(value) && BigInt(value) <= 9_223_372_036_854_775_807n;
}
