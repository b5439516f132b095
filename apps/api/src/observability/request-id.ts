import { randomFillSync } from 'node:crypto';
import type { Request, Response } from 'express';

// Ids that proxies and tracers write (UUIDs, hex, AWS's `Root=1-…`), short enough for a log line.
const ACCEPTED_ID = /^[\w.:=+/-]{1,128}$/;

/**
 * Gives each request an id, returned in `X-Request-Id` and carried by every log line of the
 * request. A client could write anything into the header, so one is taken only from a proxy that
 * TRUST_PROXY names (express's compiled `trust proxy fn`, the same test `req.ip` uses), and only
 * when it looks like an id; otherwise the id is generated here (`newRequestId`).
 */
export function assignRequestId(req: Request, res: Response): void {
  const given = req.headers['x-request-id'];
  const trusted = typeof given === 'string' && ACCEPTED_ID.test(given) && fromTrustedProxy(req);
  const id = trusted ? given : newRequestId();
  req.id = id;
  res.setHeader('x-request-id', id);
}

function fromTrustedProxy(req: Request): boolean {
  const trust = req.app.get('trust proxy fn') as (address: string | undefined, hop: number) => boolean;
  return trust(req.socket.remoteAddress, 0);
}

const ID_BYTES = 16;
const random = Buffer.alloc(ID_BYTES * 256);
let next = random.length;

/**
 * 128 random bits as 32 lower-case hex digits (the shape of a W3C trace id), drawn from a pool
 * refilled 256 ids at a time. Not `randomUUID()`: V8 hands that back as a string made of pieces,
 * which `setHeader`'s check of the value has to join in V8's runtime first; a hex slice of a
 * Buffer is one flat string, and the id with its header costs half as much (docs/performance.md).
 */
export function newRequestId(): string {
  if (next === random.length) {
    randomFillSync(random);
    next = 0;
  }
  const id = random.toString('hex', next, next + ID_BYTES);
  next += ID_BYTES;
  return id;
}
