import { createTRPCClient, httpBatchLink } from '@trpc/client';
import type { AppRouter } from '../../src/router';

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

/** A cookie-keeping HTTP client that behaves like one browser tab on the app's origin. */
export class TestBrowser {
  readonly cookies = new Map<string, string>();
  /** Every Set-Cookie header received, raw, for attribute checks. */
  readonly setCookieHeaders: string[] = [];

  /** The typed tRPC client, as the SPA uses it. */
  readonly trpc;

  constructor(
    readonly baseUrl: string,
    readonly origin: string,
  ) {
    this.trpc = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: `${baseUrl}/trpc`, fetch: this.fetch, headers: () => ({ origin }) })],
    });
  }

  readonly fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(input, { ...init, headers });
    for (const line of response.headers.getSetCookie()) {
      this.setCookieHeaders.push(line);
      const [pair = ''] = line.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  };

  /** A raw mutation, for checking what the wire carries. */
  async mutate(path: string, input: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    return this.raw(`/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: this.origin, ...headers },
      body: input === undefined ? undefined : JSON.stringify(input),
    });
  }

  async query(path: string, input?: unknown): Promise<Reply> {
    const search = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    return this.raw(`/trpc/${path}${search}`, { method: 'GET' });
  }

  async raw(path: string, init: RequestInit = {}): Promise<Reply> {
    const response = await this.fetch(`${this.baseUrl}${path}`, init);
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body };
  }
}

/** The reason a raw tRPC error reply carries. */
export function reasonOf(reply: Reply): string | undefined {
  return reply.body?.error?.data?.reason;
}
