import type { RequestMeta } from '@app/auth';
import type { Request, Response } from 'express';
import type { Logger as Pino } from 'pino';
import { cookieOptions, readCookies, setCookie } from './http/cookies';
import { isFromThisMachine } from './http/loopback';
import { noteUser } from './observability/observe-requests';
import type { Services } from './services';

/**
 * What a procedure may do with its HTTP request besides reading its input. One object, so the
 * context stays small: tRPC copies the context at every middleware, key by key, and each key
 * more cost auth.me measurably (docs/performance.md).
 */
export interface RequestPort {
  /** Sets one of the app's cookies until `expires` (null and an empty value: clears it). */
  setCookie(name: string, value: string, expires: Date | null): void;
  /** Names the signed-in user on the request's log line and in its refusals. */
  noteUser(userId: string): void;
  /**
   * The request's logger (its lines carry the request id), made on first call: most requests log
   * nothing of their own. A method, not a getter: a getter on a per-request object cost auth.me
   * about a tenth of its CPU (docs/performance.md).
   */
  log(): Pino;
  /** Whether the caller is this machine (the development mailbox answers only it by default). */
  fromThisMachine(): boolean;
}

/** What a procedure sees of its request: no express, so routers run the same through createCaller. */
export interface Context {
  services: Services;
  meta: RequestMeta;
  cookies: Record<string, string | undefined>;
  request: RequestPort;
}

export interface ContextInner {
  services: Services;
  meta: RequestMeta;
  cookies: Record<string, string | undefined>;
  setCookie: RequestPort['setCookie'];
  noteUser?: RequestPort['noteUser'];
  log?: RequestPort['log'];
  fromThisMachine?: RequestPort['fromThisMachine'];
}

/** The framework-free context (tRPC's createContextInner): tests pass cookies and collect the ones set. */
export function createContextInner(inner: ContextInner): Context {
  const { services, meta, cookies, setCookie, noteUser = () => {}, log = () => services.log.pino, fromThisMachine = () => false } = inner;
  return { services, meta, cookies, request: { setCookie, noteUser, log, fromThisMachine } };
}

/** The request port of an express request: methods on a prototype, so a request makes no closures. */
class ExpressRequestPort implements RequestPort {
  constructor(
    private readonly services: Services,
    private readonly req: Request,
    private readonly res: Response,
  ) {}

  setCookie(name: string, value: string, expires: Date | null): void {
    setCookie(this.res, name, value, cookieOptions(this.services.config.appUrl, expires));
  }

  noteUser(userId: string): void {
    noteUser(this.res, userId);
  }

  log(): Pino {
    return this.req.log;
  }

  fromThisMachine(): boolean {
    return isFromThisMachine(this.req);
  }
}

/** The express adapter: the context from express's req/res, built per request. */
export function createContext(services: Services, req: Request, res: Response): Context {
  const userAgent = req.headers['user-agent'];
  return {
    services,
    meta: { ip: services.clientIp(req), userAgent: userAgent ? userAgent.slice(0, 512) : null },
    cookies: readCookies(req),
    request: new ExpressRequestPort(services, req, res),
  };
}
