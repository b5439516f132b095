import type { NextFunction, Request, Response } from 'express';
import { errorBody } from '../errors';

/**
 * Refuses state-changing requests that a browser could send cross-site: a POST must be JSON
 * (forms and text/plain need no CORS preflight) and must come from the app's own origin.
 */
export function csrfGuard(appOrigin: string, onRefused: (req: Request) => void) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    if (isSameOriginJson(req, appOrigin)) return next();
    onRefused(req);
    const body = errorBody('csrf_rejected');
    // A batch gets one error per call its path names, as tRPC would answer it.
    const calls = req.query.batch === '1' ? Math.max(1, Math.min(req.path.split(',').length, 50)) : 0;
    res.status(body.error.data.httpStatus).json(calls ? Array.from({ length: calls }, () => body) : body);
  };
}

export function isSameOriginJson(req: Request, appOrigin: string): boolean {
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/json') return false;
  const origin = req.headers.origin;
  if (origin !== undefined) return origin === appOrigin;
  return req.headers['sec-fetch-site'] === 'same-origin';
}
