import { subscribe } from 'node:diagnostics_channel';
import type { Express, Request, Response } from 'express';
import type { Histogram } from 'prom-client';
import type { Logger as Pino } from 'pino';
import type { Logger } from '../logger';
import type { Metrics } from './metrics';

/** Paths outside /trpc that get a label of their own; every other path shares `other`. */
const NAMED_PATHS: Record<string, string> = { '/healthz': 'healthz', '/readyz': 'readyz', '/metrics': 'metrics', '/webhooks/postmark': 'webhooks.postmark' };

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
 * One log line per request (request id, method, procedure, status, duration, client IP, user id;
 * nothing from headers or bodies) and the duration histogram, when one of them is on (a log level
 * that prints info, a METRICS_TOKEN): with both off a request pays nothing.
 *
 * Node announces every request's start and its response's end on diagnostics channels
 * (`http.server.request.start`, `http.server.response.finish`, as APM agents use them), so a
 * request carries no listener or middleware of its own; a 'finish' listener per request measured
 * as a fifth of the request line's cost (docs/performance.md). Nor is the line written with
 * pino-http: it makes two child loggers per request before anything is logged. `req.log` (a child
 * carrying the request id, for the lines a request writes besides) is made only when asked for.
 */
export function observeRequests(input: {
  app: Express;
  log: Logger;
  metrics: Metrics | null;
  procedures: ReadonlySet<string>;
  /** The client address as the limits and refusal lines read it (services.clientIp). */
  clientIp: (req: Request) => string | null;
}): void {
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
  if (!logs && !metrics) return;
  const durations = metrics ? labelledOnce(metrics.requestDuration) : null;
  observed.set(app, (req, res, seconds) => {
    const procedure = procedureLabel(req, procedures);
    const status = res.statusCode;
    durations?.(procedure, status).observe(seconds);
    if (!logs) return;
    const fields = { reqId: req.id, method: req.method, procedure, status, durationMs: Math.round(seconds * 10_000) / 10, ip: clientIp(req), userId: userOf(res) };
    // A 503 is the database being away, answered as designed (and alerted on through metrics).
    if (status >= 500 && status !== 503) log.line('error', fields, 'request failed');
    else if (status === 503) log.line('warn', fields, 'request failed');
    else log.line('info', fields, 'request completed');
  });
  watchResponses();
}

type Observer = (req: Request, res: Response, seconds: number) => void;

/** Each observed app's observer; an app that is gone takes its entry with it. */
const observed = new WeakMap<object, Observer>();
const STARTED = Symbol('started');
type Started = { [STARTED]?: number };
let watching = false;

/** Subscribes once per process; the requests of servers that are not observed apps are passed over. */
function watchResponses(): void {
  if (watching) return;
  watching = true;
  subscribe('http.server.request.start', (message) => {
    (message as { request: Started }).request[STARTED] = performance.now();
  });
  subscribe('http.server.response.finish', (message) => {
    const { request, response } = message as { request: Request & Started; response: Response };
    const started = request[STARTED];
    const observer = started === undefined ? undefined : observed.get(request.app);
    if (observer) observer(request, response, (performance.now() - started!) / 1000);
  });
}

/** prom-client hashes the labels on every observe; its child for a label pair hashes them once. */
function labelledOnce(histogram: Histogram<'procedure' | 'status'>) {
  const children = new Map<string, ReturnType<typeof histogram.labels>>();
  return (procedure: string, status: number) => {
    const key = `${procedure} ${status}`;
    let child = children.get(key);
    if (!child) children.set(key, (child = histogram.labels({ procedure, status })));
    return child;
  };
}

declare module 'http' {
  interface IncomingMessage {
    /** Set by `requestId`, first of all middleware. */
    id: string;
    /** The logger for this request: its lines carry the request id. */
    log: Pino;
  }
}
