import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';

// Ids that proxies and tracers write (UUIDs, hex, AWS's `Root=1-…`), short enough for a log line.
const ACCEPTED_ID = /^[\w.:=+/-]{1,128}$/;

/**
 * Gives each request an id, returned in `X-Request-Id` and carried by every log line of the
 * request. A client could write anything into the header, so one is taken only from a proxy that
 * TRUST_PROXY names (express's compiled `trust proxy fn`, the same test `req.ip` uses), and only
 * when it looks like an id; otherwise the id is generated here.
 */
export function assignRequestId(req: Request, res: Response): void {
  const given = req.headers['x-request-id'];
  const trusted = typeof given === 'string' && ACCEPTED_ID.test(given) && fromTrustedProxy(req);
  const id = trusted ? given : randomUUID();
  req.id = id;
  res.setHeader('x-request-id', id);
}

function fromTrustedProxy(req: Request): boolean {
  const trust = req.app.get('trust proxy fn') as (address: string | undefined, hop: number) => boolean;
  return trust(req.socket.remoteAddress, 0);
}
