import { parse, serialize, type SerializeOptions } from 'cookie';
import type { Request, Response } from 'express';

export interface CookieNames {
  session: string;
  attempt: string;
}

/** `__Host-` names (Secure, host-only, Path=/) on https; plain names on http for local development. */
export function cookieNames(appUrl: URL): CookieNames {
  return appUrl.protocol === 'https:'
    ? { session: '__Host-session', attempt: '__Host-signin-attempt' }
    : { session: 'session', attempt: 'signin-attempt' };
}

export function readCookies(req: Request): Record<string, string | undefined> {
  const header = req.headers.cookie;
  if (!header || header.length > 8192) return {};
  try {
    return parse(header);
  } catch {
    return {};
  }
}

export function cookieOptions(appUrl: URL, expires: Date | null): SerializeOptions {
  return {
    httpOnly: true,
    secure: appUrl.protocol === 'https:',
    sameSite: 'lax',
    path: '/',
    ...(expires ? { expires } : { expires: new Date(0), maxAge: 0 }),
  };
}

export function setCookie(res: Response, name: string, value: string, options: SerializeOptions): void {
  res.append('Set-Cookie', serialize(name, value, options));
}
