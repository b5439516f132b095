import { fail, type Failure } from './reasons';

// Canonical spellings of names already checked: building an Intl.DateTimeFormat is the costliest
// step of a verify outside the database. Bounded, so made-up spellings cannot grow it for ever.
const canonical = new Map<string, string>();
const MAX_REMEMBERED = 1_000;

/** Validates an IANA time zone name and returns its canonical spelling. */
export function parseTimezone(input: unknown): { ok: true; timezone: string } | Failure<'invalid_timezone'> {
  if (typeof input !== 'string' || input.length === 0 || input.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(input)) {
    return fail('invalid_timezone');
  }
  const known = canonical.get(input);
  if (known) return { ok: true, timezone: known };
  try {
    const timezone = new Intl.DateTimeFormat('en-US', { timeZone: input }).resolvedOptions().timeZone;
    if (canonical.size < MAX_REMEMBERED) canonical.set(input, timezone);
    return { ok: true, timezone };
  } catch {
    return fail('invalid_timezone');
  }
}
