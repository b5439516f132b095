import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { isLoopbackIp, limitNetwork, limitNetwork48, normalizeClientIp } from './client-ip';

describe('normalizeClientIp', () => {
  it('reads addresses as proxies write them: ports, brackets, zones, IPv4-mapped IPv6', () => {
    expect(normalizeClientIp('203.0.113.5')).toBe('203.0.113.5');
    expect(normalizeClientIp(' 203.0.113.5:51234 ')).toBe('203.0.113.5');
    expect(normalizeClientIp('[2001:db8::1]:443')).toBe('2001:db8::1');
    expect(normalizeClientIp('[2001:DB8:0:0::1]')).toBe('2001:db8::1');
    expect(normalizeClientIp('2001:0db8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1');
    expect(normalizeClientIp('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(normalizeClientIp('[::ffff:203.0.113.9]:80')).toBe('203.0.113.9');
    expect(normalizeClientIp('fe80::1%eth0')).toBe('fe80::1');
  });
  it('gives a plain IPv4 address back as ipaddr.js would print it, parts 0 to 255 at their edges', () => {
    const parts = [0, 1, 9, 10, 99, 100, 199, 200, 249, 250, 255];
    for (const a of parts) for (const b of parts) {
      const address = `${a}.${b}.${255 - a}.${b}`;
      expect(normalizeClientIp(address)).toBe(ipaddr.IPv4.parse(address).toString());
    }
  });

  it('refuses what is not an address', () => {
    for (const raw of [null, undefined, '', 'unknown', 'not-an-ip', '1.2.3.4, 5.6.7.8', '1.2.3', '0x7f.1', '010.1.1.1', '256.1.1.1', '[1.2.3.4]x', '2001:db8::1:443x']) {
      expect(normalizeClientIp(raw)).toBeNull();
    }
  });
});

describe('isLoopbackIp', () => {
  it('knows this machine in every spelling', () => {
    for (const ip of ['127.0.0.1', '127.0.0.2', '::1', '[::1]:3000', '::ffff:127.0.0.1']) expect(isLoopbackIp(ip)).toBe(true);
    for (const ip of ['10.0.0.1', '2001:db8::1', '0.0.0.0', '::', 'localhost', null]) expect(isLoopbackIp(ip)).toBe(false);
  });
});

describe('limitNetwork', () => {
  it('keeps IPv4 addresses', () => {
    expect(limitNetwork('203.0.113.9')).toBe('203.0.113.9');
    expect(limitNetwork('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(limitNetwork('203.0.113.9:8080')).toBe('203.0.113.9');
  });
  it('groups IPv6 addresses by /64', () => {
    expect(limitNetwork('2001:db8:85a3:1234:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:85a3:1234::/64');
    expect(limitNetwork('2001:db8:85a3:1234::1')).toBe('2001:db8:85a3:1234::/64');
    expect(limitNetwork('2001:0DB8:85A3:1234:0:0:0:2')).toBe('2001:db8:85a3:1234::/64');
    expect(limitNetwork('[2001:db8:85a3:1234::2]:443')).toBe('2001:db8:85a3:1234::/64');
    expect(limitNetwork('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(limitNetwork('::1')).toBe('0:0:0:0::/64');
    expect(limitNetwork('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
  it('puts every unreadable address in one shared bucket instead of none', () => {
    for (const raw of [null, '', 'unknown', 'not-an-ip', '1.2.3.4, 5.6.7.8']) expect(limitNetwork(raw)).toBe('unreadable');
  });
});

describe('limitNetwork48', () => {
  it('groups IPv6 addresses by /48 and leaves IPv4 alone', () => {
    expect(limitNetwork48('2001:db8:85a3:1234::1')).toBe('2001:db8:85a3::/48');
    expect(limitNetwork48('2001:db8:85a3:ffff::1')).toBe('2001:db8:85a3::/48');
    expect(limitNetwork48('203.0.113.9')).toBeNull();
    expect(limitNetwork48('::ffff:203.0.113.9')).toBeNull();
    expect(limitNetwork48('unknown')).toBeNull();
  });
});
