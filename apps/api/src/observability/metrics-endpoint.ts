import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Registry } from 'prom-client';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * GET /metrics in Prometheus's text format, for a scraper holding `Authorization: Bearer <token>`.
 * The outbox gauges are read from the database at scrape time, so every instance reports the same
 * shared outbox. The token is compared as SHA-256 digests with timingSafeEqual: equal lengths, constant time.
 */
export function metricsEndpoint(registry: Registry, token: string): RequestHandler {
  const expected = digest(`Bearer ${token}`);
  return async (req, res) => {
    const given = req.headers.authorization;
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      res.setHeader('www-authenticate', 'Bearer');
      res.status(401).json({ error: { message: 'You need to sign in.', data: { httpStatus: 401, reason: 'unauthenticated' } } });
      return;
    }
    try {
      const body = await registry.metrics();
      res.setHeader('content-type', registry.contentType);
      res.setHeader('cache-control', 'no-store');
      res.end(body);
    } catch (error) {
      // The outbox gauges read the database; while it is down the scrape fails like /readyz does.
      req.log.warn({ error: error instanceof Error ? error.message : String(error) }, 'metrics scrape failed');
      res.status(503).json({ error: { message: 'The service is temporarily unavailable.', data: { httpStatus: 503, reason: 'unavailable' } } });
    }
  };
}
