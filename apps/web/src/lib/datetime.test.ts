import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatTime } from './datetime';

const utc = { locale: 'en-GB', timeZone: 'UTC' };

describe('formatDate', () => {
  it('shows the day in the viewer’s zone, which can differ from UTC', () => {
    expect(formatDate('2025-11-26T23:30:00Z', utc)).toBe('26 Nov 2025');
    expect(formatDate('2025-11-26T23:30:00Z', { locale: 'en-GB', timeZone: 'Asia/Tokyo' })).toBe('27 Nov 2025');
  });
});

describe('formatDateTime', () => {
  it('shows minutes by default and seconds when asked', () => {
    expect(formatDateTime('2025-11-26T14:31:05Z', utc)).toBe('26 Nov 2025, 14:31');
    expect(formatDateTime('2025-11-26T14:31:05Z', { ...utc, seconds: true })).toBe('26 Nov 2025, 14:31:05');
  });

  it('converts to the viewer’s zone', () => {
    expect(formatDateTime('2025-11-26T14:31:05Z', { locale: 'en-GB', timeZone: 'America/New_York' })).toBe(
      '26 Nov 2025, 09:31',
    );
  });

  it('shows the raw value rather than "Invalid Date"', () => {
    expect(formatDateTime('soon')).toBe('soon');
    expect(formatDate('')).toBe('');
  });
});

describe('formatTime', () => {
  it('shows hours and minutes in the viewer’s zone', () => {
    expect(formatTime('2025-11-26T14:31:05Z', utc)).toBe('14:31');
    expect(formatTime('2025-11-26T14:31:05Z', { locale: 'en-GB', timeZone: 'Asia/Tokyo' })).toBe('23:31');
  });
});
