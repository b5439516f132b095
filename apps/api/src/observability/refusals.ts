import type { Reason } from '../errors';
import type { Request } from 'express';
import type { Services } from '../services';
import { userOf } from './observe-requests';

export interface Refusal {
  reason: Reason;
  /** A procedure the router has, `unknown`, or a request label (`batch`, …); never raw client text. */
  procedure: string;
  /** Why, when one reason covers several causes (e.g. which attempt cookie a verify carried). */
  detail?: string | undefined;
}

/**
 * Every refused call, whatever refused it (a procedure, its middleware, tRPC's input checks, the
 * CSRF guard): one log line with the request's id, and the refusal counters. Probing and spraying
 * are seen here first (ASVS 16.3.2/16.3.3); the audit log keeps per-minute counts of some.
 */
export function reportRefusal({ metrics, clientIp }: Pick<Services, 'metrics' | 'clientIp'>, req: Request, { reason, procedure, detail }: Refusal): void {
  const userId = req.res ? userOf(req.res) : undefined;
  req.log.info({ reason, procedure, ip: clientIp(req), ...(userId ? { userId } : {}), ...(detail ? { detail } : {}) }, 'request refused');
  metrics.refusals.inc({ reason });
  if (procedure === 'auth.requestCode') metrics.codeRequests.inc({ outcome: reason });
}
