import type { NextFunction, Request, Response } from 'express';

/**
 * Refuses state-changing requests that a browser could send cross-site: a POST must be JSON
 * (forms and text/plain need no CORS preflight) and must come from the app's own origin.
 */
export function csrfGuard(appOrigin: string, onRefused: (req: Request) => void) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    if (isSameOriginJson(req, appOrigin)) return next();
    onRefused(req);
    const error = {
      message: 'Cross-site request refused.',
      code: -32003,
      data: { code: 'FORBIDDEN', httpStatus: 403, reason: 'csrf_rejected' },
    };
    const calls = req.query.batch === '1' ? Math.max(1, Math.min(req.path.split(',').length, 50)) : 0;
    res.status(403).json(calls ? Array.from({ length: calls }, () => ({ error })) : { error });
  };
}

export function isSameOriginJson(req: Request, appOrigin: string): boolean {
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/json') return false;
  const origin = req.headers.origin;
  if (origin !== undefined) return origin === appOrigin;
  return req.headers['sec-fetch-site'] === 'same-origin';
}
