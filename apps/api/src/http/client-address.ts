import { normalizeClientIp } from '@app/auth';
import type { Request } from 'express';
import type { Logger } from '../logger';

const CLIENT_IP = Symbol('clientIp');
type RequestWithClientIp = Request & { [CLIENT_IP]?: string | null };

/**
 * The client's address for a request, in one canonical form. `req.ip` honours TRUST_PROXY: the
 * socket address unless a trusted proxy forwarded the request, and then what that proxy wrote,
 * which may carry a port (`203.0.113.5:51234`, `[2001:db8::1]:443`) or be no address at all
 * (`unknown`). What still is not an address falls back to the socket address, so the per-network
 * limits never lose their key; the first such request in a process is logged, as the proxy in
 * front is then misconfigured.
 */
export function clientAddressReader(log: Pick<Logger, 'warn'>): (req: Request) => string | null {
  let warned = false;
  const read = (req: Request): string | null => {
    const forwarded = normalizeClientIp(req.ip);
    if (forwarded) return forwarded;
    const socket = normalizeClientIp(req.socket.remoteAddress);
    if (!warned) {
      warned = true;
      log.warn('client address is not an IP address; using the socket address (shown once)', { forwarded: req.ip?.slice(0, 100) ?? null, socket });
    }
    return socket;
  };
  // Read once per request: the context, a refusal and the request line all ask for it.
  return (req: RequestWithClientIp) => {
    if (req[CLIENT_IP] === undefined) req[CLIENT_IP] = read(req);
    return req[CLIENT_IP];
  };
}

