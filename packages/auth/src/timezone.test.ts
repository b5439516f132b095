import { describe, expect, it } from 'vitest';
import { parseTimezone } from './timezone';

describe('parseTimezone', () => {
  it('accepts IANA names and returns the canonical spelling', () => {
    expect(parseTimezone('Europe/Berlin')).toEqual({ ok: true, timezone: 'Europe/Berlin' });
    expect(parseTimezone('UTC')).toEqual({ ok: true, timezone: 'UTC' });
    expect(parseTimezone('america/new_york')).toEqual({ ok: true, timezone: 'America/New_York' });
  });
  it('answers a name it has checked before the same way', () => {
    for (let i = 0; i < 2; i += 1) {
      expect(parseTimezone('asia/tokyo')).toEqual({ ok: true, timezone: 'Asia/Tokyo' });
      expect(parseTimezone('Mars/Olympus')).toEqual({ ok: false, reason: 'invalid_timezone' });
    }
  });
  it('refuses anything else', () => {
    for (const input of ['', 'Mars/Olympus', 'Europe/Berlin; drop table', '../../etc', 'x'.repeat(65), 42, null, undefined]) {
      expect(parseTimezone(input)).toEqual({ ok: false, reason: 'invalid_timezone' });
    }
  });
});
