import { describe, expect, it } from 'vitest';
import { limitNetwork } from './client-ip';

describe('limitNetwork', () => {
  it('keeps IPv4 addresses', () => {
    expect(limitNetwork('203.0.113.9')).toBe('203.0.113.9');
    expect(limitNetwork('::ffff:203.0.113.9')).toBe('203.0.113.9');
  });
  it('groups IPv6 addresses by /64', () => {
    expect(limitNetwork('2001:db8:85a3:1234:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:85a3:1234::/64');
    expect(limitNetwork('2001:db8:85a3:1234::1')).toBe('2001:db8:85a3:1234::/64');
    expect(limitNetwork('2001:0DB8:85A3:1234:0:0:0:2')).toBe('2001:db8:85a3:1234::/64');
    expect(limitNetwork('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(limitNetwork('::1')).toBe('0:0:0:0::/64');
    expect(limitNetwork('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
  it('ignores what is not an address', () => {
    expect(limitNetwork(null)).toBeNull();
    expect(limitNetwork('')).toBeNull();
    expect(limitNetwork('not-an-ip')).toBeNull();
    expect(limitNetwork('1.2.3.4, 5.6.7.8')).toBeNull();
  });
});
