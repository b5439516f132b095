import { describe, expect, it } from 'vitest';
import { describeDevice, deviceFamily } from './device';

describe('describeDevice', () => {
  const cases: Array<[string, string]> = [
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36', 'Chrome 120 on macOS'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0', 'Firefox 121 on Windows'],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0', 'Edge 120 on Linux'],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
      'Mobile Safari 17 on iOS (iPhone)',
    ],
    ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36', 'Mobile Chrome 120 on Android (Pixel 8)'],
    ['Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0', 'Mobile Firefox 121 on Android'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15', 'Safari 17 on macOS'],
  ];
  for (const [userAgent, expected] of cases) {
    it(`reads "${expected}"`, () => {
      expect(describeDevice(userAgent)).toBe(expected);
    });
  }

  it('says "Unknown device" when there is nothing to read', () => {
    expect(describeDevice(null)).toBe('Unknown device');
    expect(describeDevice('')).toBe('Unknown device');
    expect(describeDevice('node')).toBe('Unknown device');
  });
});

describe('deviceFamily', () => {
  it('is the label without the browser version, so a browser that updated itself is the same device', () => {
    const chrome = (version: string) => `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${version} Safari/537.36`;
    expect(deviceFamily(chrome('120.0.0.0'))).toBe('Chrome on macOS');
    expect(deviceFamily(chrome('121.0.6167.85'))).toBe(deviceFamily(chrome('120.0.0.0')));
    expect(deviceFamily('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0')).toBe('Firefox on Windows');
    expect(deviceFamily('Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36')).toBe('Mobile Chrome on Android (Pixel 8)');
    expect(deviceFamily(null)).toBe('Unknown device');
  });
});
