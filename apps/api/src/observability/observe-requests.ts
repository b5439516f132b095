import type { Express, Request, RequestHandler, Response } from 'express';
import type { Logger as Pino } from 'pino';
import type { Logger } from '../logger';
import type { Metrics } from './metrics';
import { assignRequestId } from './request-id';

/** Paths outside /trpc that get a label of their own; every other path shares `other`. */
const NAMED_PATHS: Record<string, string> = { '/healthz': 'healthz', '/readyz': 'readyz', '/metrics': 'metrics', '/webhooks/postmark': 'webhooks.postmark' };

/**
 * The `procedure` a request is counted under: the tRPC procedure it calls (batched or not), `batch`
 * when it calls several, `unknown` for a /trpc path that names no procedure, `other` for the
 * SPA's files and anything else. Bounded by the router, whatever clients send.
 */
export function procedureLabel(req: Request, procedures: ReadonlySet<string>): string {
  const url = req.originalUrl;
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
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

/** When the request arrived (performance.now()), for its duration. */
const STARTED = Symbol('started');
type TimedRequest = Request & { [STARTED]: number };

/**
 * The first middleware: the request id (request-id.ts), then one log line per request (request
 * id, method, procedure, status, duration, client IP, user id; nothing from headers or bodies)
 * and the duration histogram, written as the response ends, when one of them is on (a log level
 * that prints info, a METRICS_TOKEN): with both off a request pays for its id only.
 *
 * Everything here runs on every request, so it is kept to the least work (measured on auth.me,
 * docs/performance.md): one middleware, no listener or closure per request, the line written by
 * `Logger.requestLine` rather than pino-http (which makes two child loggers per request before
 * anything is logged) and the histogram kept by `RequestDurations`. `req.log` (a child carrying the request id, for the lines a request writes
 * besides) is made only when something asks for it.
 */
export function observeRequests(input: {
  app: Express;
  log: Logger;
  metrics: Metrics | null;
  procedures: ReadonlySet<string>;
  /** The client address as the limits and refusal lines read it (services.clientIp). */
  clientIp: (req: Request) => string | null;
}): RequestHandler {
  const { app, log, metrics, procedures, clientIp } = input;
  Object.defineProperty(app.request, 'log', {
    configurable: true,
    get(this: Request) {
      const child = log.pino.child({ reqId: this.id });
      Object.defineProperty(this, 'log', { value: child });
      return child;
    },
  });
  const logs = log.pino.isLevelEnabled('info');
  if (!logs && !metrics) {
    return (req, res, next) => {
      assignRequestId(req, res);
      next();
    };
  }
  function finished(res: Response): void {
    const req = res.req as TimedRequest;
    const seconds = (performance.now() - req[STARTED]) / 1000;
    const procedure = procedureLabel(req, procedures);
    const status = res.statusCode;
    metrics?.requestDuration.observe(procedure, status, seconds);
    if (!logs) return;
    const fields = { reqId: req.id, method: req.method, procedure, status, durationMs: Math.round(seconds * 10_000) / 10, ip: clientIp(req), userId: userOf(res) };
    // A 503 is the database being away, answered as designed (and alerted on through metrics).
    if (status >= 500 && status !== 503) log.requestLine('error', fields, 'request failed');
    else if (status === 503) log.requestLine('warn', fields, 'request failed');
    else log.requestLine('info', fields, 'request completed');
  }
  // The response is observed as it ends, by the app's own `end` (every way of answering calls it:
  // express's send and json, a piped stream, tRPC): a `finish` listener per response cost
  // more than the histogram, since Node's own listener is already there and a second one turns
  // the event's listener into a list copied on every emit (docs/performance.md).
  // Node's `end` reads an argument it was not given as undefined, as it reads one given undefined.
  const end = app.response.end as (this: Response, chunk?: unknown, encoding?: unknown, callback?: unknown) => Response;
  app.response.end = function observedEnd(this: Response, chunk?: unknown, encoding?: unknown, callback?: unknown) {
    if (this.writableEnded) return end.call(this, chunk, encoding, callback);
    const ended = end.call(this, chunk, encoding, callback);
    finished(this);
    return ended;
  } as Response['end'];
  return (req, res, next) => {
    assignRequestId(req, res);
    (req as TimedRequest)[STARTED] = performance.now();
    next();
  };
}

declare module 'http' {
  interface IncomingMessage {
    /** Set by `observeRequests`, first of all middleware. */
    id: string;
    /** The logger for this request: its lines carry the request id. */
    log: Pino;
  }
}
