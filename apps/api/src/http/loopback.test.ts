import { describe, expect, it } from 'vitest';
import { isFromThisMachine, isLoopbackHostHeader, isLoopbackHostname } from './loopback';

describe('loopback checks', () => {
  it('knows loopback host names', () => {
    for (const host of ['localhost', 'LocalHost', '127.0.0.1', '127.1.2.3', '::1', '[::1]']) expect(isLoopbackHostname(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.20', 'example.com', 'localhost.example.com']) expect(isLoopbackHostname(host), host).toBe(false);
  });

  it('reads Host headers with any port', () => {
    for (const host of ['localhost', 'localhost:5173', '127.0.0.1:3000', '[::1]', '[::1]:443']) expect(isLoopbackHostHeader(host), host).toBe(true);
    for (const host of [undefined, '', 'evil.example', 'localhost.evil.example', 'localhost:x', '::1', '127.0.0.1.nip.io']) expect(isLoopbackHostHeader(host), host).toBe(false);
  });

  it('needs both a loopback socket and a loopback Host', () => {
    const from = (remoteAddress: string | undefined, host: string | undefined) => isFromThisMachine({ socket: { remoteAddress }, headers: { host } });
    expect(from('127.0.0.1', 'localhost:5173')).toBe(true);
    expect(from('::ffff:127.0.0.1', '127.0.0.1:3000')).toBe(true);
    expect(from('::1', '[::1]:3000')).toBe(true);
    expect(from('192.168.1.7', 'localhost:3000')).toBe(false);
    expect(from('::ffff:10.0.0.2', 'localhost')).toBe(false);
    expect(from(undefined, 'localhost')).toBe(false);
    expect(from('127.0.0.1', 'evil.example')).toBe(false);
  });
});
