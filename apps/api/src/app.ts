import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { createContext } from './context';
import { errorBody, ReasonError, reasonErrorOf, reasonOf } from './errors';
import { csrfGuard } from './http/csrf';
import { trpcHandler } from './http/trpc-handler';
import { metricsEndpoint } from './observability/metrics-endpoint';
import { observeRequests, procedureLabel } from './observability/observe-requests';
import { reportRefusal } from './observability/refusals';
import { settingToChange } from './operator-error';
import { appRouter } from './router';
import { postmarkWebhook } from './webhooks/postmark-webhook';
import type { Services } from './services';

const MAX_BODY_BYTES = 16 * 1024;
const MAX_BATCH_SIZE = 10;
const PROCEDURES: ReadonlySet<string> = new Set(Object.keys(appRouter._def.procedures));

/** The HTTP application: security headers, health checks, /trpc and the built SPA. */
export function createApp(services: Services): express.Express {
  const { config, log, metrics } = services;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(observeRequests({ app, log, metrics: config.metricsToken ? metrics : null, procedures: PROCEDURES, clientIp: services.clientIp }));
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          ...(config.appUrl.protocol === 'https:' ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      strictTransportSecurity: config.appUrl.protocol === 'https:',
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await sql`select 1`.execute(services.db);
      res.json({ ok: true });
    } catch {
      res.status(503).json({ ok: false, reason: 'unavailable' });
    }
  });
  // Without a token there is no /metrics: it answers 404 like any unknown path.
  if (config.metricsToken) app.get('/metrics', metricsEndpoint(metrics.registry, config.metricsToken));
  // Likewise, without its credentials there is no webhook: a POST there is a 404.
  if (config.postmarkWebhook) app.post('/webhooks/postmark', ...postmarkWebhook(services, config.postmarkWebhook));

  app.use(
    '/trpc',
    csrfGuard(config.appUrl.origin, (req) => reportRefusal(services, req, { reason: 'csrf_rejected', procedure: procedureLabel(req, PROCEDURES) })),
    trpcHandler({
      router: appRouter,
      createContext: (req, res) => createContext(services, req, res),
      maxBodySize: MAX_BODY_BYTES,
      maxBatchSize: MAX_BATCH_SIZE,
      responseMeta({ errors }) {
        const limited = errors.map((e) => e.cause ?? e).find((e) => e instanceof ReasonError && e.retryAfterSeconds !== undefined);
        const headers: Record<string, string> = { 'cache-control': 'no-store' };
        if (limited instanceof ReasonError) headers['retry-after'] = String(limited.retryAfterSeconds);
        return { headers };
      },
      onError({ error, path, req }) {
        const procedure = path !== undefined && PROCEDURES.has(path) ? path : 'unknown';
        const reason = reasonOf(error);
        if (reason === 'internal') req.log.error({ procedure, error: settingToChange(error.cause) ?? error.cause?.stack ?? error.message }, 'procedure failed');
        else reportRefusal(services, req, { reason, procedure, detail: reasonErrorOf(error)?.detail });
      },
    }),
  );

  const indexHtml = join(config.webDistDir, 'index.html');
  if (existsSync(indexHtml)) {
    app.use(express.static(config.webDistDir, { index: false, setHeaders: cacheHeaders }));
    // Client-side routes: anything else that asks for a page gets the SPA shell.
    app.get('/{*splat}', (req, res, next) => {
      if (!req.accepts('html')) return next();
      res.setHeader('cache-control', 'no-cache');
      res.sendFile(indexHtml);
    });
  } else if (config.isProduction) {
    log.warn('web app not built; serving the API only', { webDistDir: config.webDistDir });
  }

  app.use((_req: Request, res: Response) => {
    res.status(404).json(errorBody('not_found'));
  });
  // Malformed requests that fail before a handler (e.g. bad URL encoding) get a 4xx, never a stack.
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = (error as { status?: unknown }).status;
    const httpStatus = typeof status === 'number' && status >= 400 && status < 500 ? status : 500;
    if (httpStatus === 500) req.log.error({ error: error instanceof Error ? error.stack : String(error) }, 'request failed');
    res.status(httpStatus).json(errorBody(httpStatus === 500 ? 'internal' : 'bad_request', httpStatus));
  });
  return app;
}

// Vite's hashed files under assets/ never change; everything else is revalidated.
function cacheHeaders(res: Response, path: string) {
  const hashed = /[\\/]assets[\\/][^\\/]+-[\w-]{8}\.\w+$/.test(path);
  res.setHeader('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
}
