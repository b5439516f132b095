import { describe, expect, it } from 'vitest';
import { localTimeFormatter } from './local-time';

const noonUtc = new Date('2024-01-15T12:00:00Z');

describe('localTimeFormatter', () => {
  it('shows the time in the saved zone, not the machine’s', () => {
    const tokyo = localTimeFormatter('Asia/Tokyo', 'en-GB');
    const newYork = localTimeFormatter('America/New_York', 'en-GB');
    expect(tokyo?.(noonUtc)).toContain('21:00:00');
    expect(newYork?.(noonUtc)).toContain('07:00:00');
  });

  it('includes the date, which can differ from UTC', () => {
    const auckland = localTimeFormatter('Pacific/Auckland', 'en-GB');
    expect(auckland?.(new Date('2024-01-15T20:00:00Z'))).toMatch(/Tuesday,? 16 January 2024/);
  });

  it('names the zone so the reader knows which local time it is', () => {
    expect(localTimeFormatter('UTC', 'en-GB')?.(noonUtc)).toMatch(/12:00:00 (UTC|GMT)/);
  });

  it('follows daylight saving time', () => {
    const london = localTimeFormatter('Europe/London', 'en-GB');
    expect(london?.(new Date('2024-07-15T12:00:00Z'))).toContain('13:00:00');
  });

  it('returns null for a zone the browser does not know', () => {
    expect(localTimeFormatter('Mars/Olympus_Mons', 'en-GB')).toBeNull();
  });
});
