import { isLoopbackIp } from '@app/auth';

/** Whether a host name (as in a URL or HOST) means this machine only: localhost or a loopback address. */
export function isLoopbackHostname(hostname: string): boolean {
  return hostname.toLowerCase() === 'localhost' || isLoopbackIp(hostname);
}

/**
 * Whether a Host header names this machine: localhost, 127.0.0.1 or [::1], with any port. A page
 * that reached us through DNS rebinding carries its own name here, never one of these.
 */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  return host !== undefined && /^(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?$/i.test(host);
}

/**
 * Whether a request came from this machine and names it: a loopback socket (not what a proxy
 * says) and a loopback Host. Both are needed: the socket keeps other machines out, the Host keeps
 * out web pages that reach a developer's loopback port through DNS rebinding.
 */
export function isFromThisMachine(req: { socket: { remoteAddress?: string | undefined }; headers: { host?: string | undefined } }): boolean {
  return isLoopbackIp(req.socket.remoteAddress) && isLoopbackHostHeader(req.headers.host);
}
