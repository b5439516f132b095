import type { Request, RequestHandler, Response } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../logger';
import type { Metrics } from './metrics';

/** Paths outside /trpc that get a label of their own; every other path shares `other`. */
const NAMED_PATHS: Record<string, string> = { '/healthz': 'healthz', '/readyz': 'readyz', '/metrics': 'metrics' };

/**
 * The `procedure` a request is counted under: the tRPC procedure it calls (batched or not), `batch`
 * when it calls several, `unknown` for a /trpc path that names no procedure, `other` for the
 * SPA's files and anything else. Bounded by the router, whatever clients send.
 */
export function procedureLabel(req: Request, procedures: ReadonlySet<string>): string {
  const path = req.originalUrl.split('?', 1)[0]!;
  if (!path.startsWith('/trpc/')) return NAMED_PATHS[path] ?? 'other';
  const names = path.slice('/trpc/'.length);
  if (names.includes(',')) return 'batch';
  return procedures.has(names) ? names : 'unknown';
}

/** Who the request turned out to be, once a procedure knows (for the request's log line). */
export function noteUser(res: Response, userId: string): void {
  res.locals.userId = userId;
}

export function userOf(res: Response): string | undefined {
  return res.locals.userId as string | undefined;
}

/**
 * One log line per request (pino-http: request id, method, procedure, status, duration, client IP,
 * user id; nothing from headers or bodies) and the duration histogram. Each is installed only when
 * it is on (a log level that prints info, a METRICS_TOKEN), so with both off a request pays nothing.
 */
export function observeRequests(input: { log: Logger; metrics: Metrics | null; procedures: ReadonlySet<string> }): RequestHandler[] {
  const { log, metrics, procedures } = input;
  const handlers: RequestHandler[] = [];
  if (log.pino.isLevelEnabled('info')) {
    const fields = (req: Request, res: Response, durationMs: number) => ({
      method: req.method,
      procedure: procedureLabel(req, procedures),
      status: res.statusCode,
      durationMs,
      ip: req.ip,
      userId: userOf(res),
    });
    handlers.push(
      pinoHttp<Request, Response>({
        logger: log.pino,
        genReqId: (req) => req.id,
        quietReqLogger: true,
        quietResLogger: true,
        // The request and response objects are never serialised: only the fields above are logged.
        wrapSerializers: false,
        serializers: { req: () => undefined, res: () => undefined },
        customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
        customSuccessMessage: () => 'request completed',
        customErrorMessage: () => 'request failed',
        customSuccessObject: (req, res, val: { responseTime: number }) => fields(req, res, val.responseTime),
        customErrorObject: (req, res, _error, val: { responseTime: number }) => fields(req, res, val.responseTime),
      }),
    );
  } else {
    handlers.push((req, _res, next) => {
      req.log = log.pino;
      next();
    });
  }
  if (metrics) {
    handlers.push((req, res, next) => {
      const stop = metrics.requestDuration.startTimer();
      res.once('finish', () => stop({ procedure: procedureLabel(req, procedures), status: res.statusCode }));
      next();
    });
  }
  return handlers;
}
