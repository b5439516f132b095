import type { RequestMeta } from '@app/auth';
import type { Request, Response } from 'express';
import { readCookies } from './http/cookies';
import type { Services } from './services';

export interface Context {
  services: Services;
  req: Request;
  res: Response;
  meta: RequestMeta;
  cookies: Record<string, string | undefined>;
}

/** Built per request from express's req/res; kept apart from the adapter so tests can build one. */
export function createContext(services: Services, req: Request, res: Response): Context {
  const userAgent = req.headers['user-agent'];
  return {
    services,
    req,
    res,
    meta: { ip: services.clientIp(req), userAgent: userAgent ? userAgent.slice(0, 512) : null },
    cookies: readCookies(req),
  };
}
