import { recordEmailEvent } from '@app/auth';
import { isDatabaseUnavailable } from '@app/db';
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import { errorBody } from '../errors';
import { basicCredentialsCheck } from '../http/basic-auth';
import type { Services } from '../services';
import { HANDLED_RECORD_TYPES, parsePostmarkPayload } from './postmark-payload';

/** Postmark's payloads are a few kB; a bounce with its content included stays well under this. */
const MAX_BODY_BYTES = 256 * 1024;

type Outcome = 'recorded' | 'replayed' | 'ignored' | 'malformed' | 'unauthorized' | 'unavailable' | 'failed';

/**
 * POST /webhooks/postmark: Postmark's Delivery, Bounce, SpamComplaint and SubscriptionChange
 * events, for the HTTP Basic credentials Postmark takes from the webhook URL. The credentials are
 * checked before the body is read. It is not under the CSRF guard (no cookie or session is read),
 * and what a cross-site page could send is refused anyway: it cannot know the credentials, and a
 * body other than application/json is not read. Answers: 401 without the credentials, 400 with
 * the field that is wrong for a body that is not a Postmark payload, 200 for an event applied,
 * replayed (applied before: nothing changes) or of a type not handled, 503 while the database is
 * unreachable (Postmark retries).
 */
export function postmarkWebhook(services: Services, credentials: { user: string; password: string }): Array<RequestHandler | ErrorRequestHandler> {
  const { metrics, db, deps } = services;
  const authorized = basicCredentialsCheck(credentials.user, credentials.password);
  const label = (recordType: string | undefined) => ((HANDLED_RECORD_TYPES as readonly string[]).includes(recordType ?? '') ? recordType! : 'other');
  const finish = (req: Request, res: Response, status: number, body: unknown, outcome: Outcome, fields: Record<string, unknown> = {}) => {
    const recordType = typeof fields.recordType === 'string' ? fields.recordType : undefined;
    metrics.postmarkWebhooks.inc({ record_type: label(recordType), outcome });
    // Never the body, nor the address: ids are enough to find the rows.
    req.log.info({ ...fields, outcome }, 'postmark webhook');
    res.setHeader('cache-control', 'no-store');
    res.status(status).json(body);
  };

  const checkCredentials: RequestHandler = (req, res, next) => {
    if (authorized(req.headers.authorization)) return next();
    res.setHeader('www-authenticate', 'Basic realm="postmark-webhooks", charset="UTF-8"');
    finish(req, res, 401, errorBody('unauthenticated'), 'unauthorized');
  };

  const readBody = express.json({ limit: MAX_BODY_BYTES, type: 'application/json', strict: true });

  // The JSON reader's refusals (malformed JSON, too large, a charset it cannot read) are 4xx.
  const bodyRefused: ErrorRequestHandler = (error: unknown, req, res, next) => {
    const status = (error as { status?: unknown }).status;
    if (typeof status !== 'number' || status < 400 || status >= 500) return next(error);
    finish(req, res, status, malformed(status === 413 ? `the body is over ${MAX_BODY_BYTES} bytes` : 'the body is not valid JSON', status), 'malformed');
  };

  const handle: RequestHandler = async (req, res) => {
    if (!req.is('application/json')) return finish(req, res, 400, malformed('the body must be application/json'), 'malformed');
    const parsed = parsePostmarkPayload(req.body);
    if (parsed.kind === 'malformed') return finish(req, res, 400, malformed(parsed.problem), 'malformed', { problem: parsed.problem });
    if (parsed.kind === 'ignored') return finish(req, res, 200, { ok: true, outcome: 'ignored' }, 'ignored', { recordType: parsed.recordType.slice(0, 40) });
    const { event, recordType } = parsed;
    try {
      const result = await recordEmailEvent(db, deps, event);
      const fields =
        result.outcome === 'recorded'
          ? { recordType, messageId: event.messageId, outboxId: result.outboxId, userId: result.userId, suppressed: result.suppressed, ...(event.kind === 'bounced' ? { bounceType: event.bounceType } : {}) }
          : { recordType, messageId: event.messageId };
      finish(req, res, 200, { ok: true, outcome: result.outcome }, result.outcome, fields);
    } catch (error) {
      if (isDatabaseUnavailable(error)) return finish(req, res, 503, errorBody('unavailable'), 'unavailable', { recordType });
      req.log.error({ recordType, error: error instanceof Error ? error.stack : String(error) }, 'postmark webhook failed');
      finish(req, res, 500, errorBody('internal'), 'failed', { recordType });
    }
  };

  return [checkCredentials, readBody, bodyRefused, handle];
}

/** A 400 whose message says what is wrong, for whoever reads Postmark's webhook log. */
function malformed(problem: string, status = 400) {
  const body = errorBody('bad_request', status);
  body.error.message = `Not a Postmark webhook payload: ${problem}.`;
  return body;
}
