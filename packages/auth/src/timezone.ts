import { fail, type Failure } from './reasons';

/** Validates an IANA time zone name and returns its canonical spelling. */
export function parseTimezone(input: unknown): { ok: true; timezone: string } | Failure<'invalid_timezone'> {
  if (typeof input !== 'string' || input.length === 0 || input.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(input)) {
    return fail('invalid_timezone');
  }
  try {
    const timezone = new Intl.DateTimeFormat('en-US', { timeZone: input }).resolvedOptions().timeZone;
    return { ok: true, timezone };
  } catch {
    return fail('invalid_timezone');
  }
}
