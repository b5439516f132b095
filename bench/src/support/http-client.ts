import { Agent, request } from 'node:http';

export interface JsonReply {
  status: number;
  setCookies: string[];
  body: unknown;
}

/**
 * A keep-alive JSON client on node:http: lighter on the CPU than fetch, which matters when the
 * load generator shares two cores with the server and Postgres.
 */
export function createJsonClient(baseUrl: string, options: { origin: string; maxSockets: number; localAddress?: string }) {
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets });
  const { localAddress } = options;
  const { hostname, port } = new URL(baseUrl);

  function send(method: 'GET' | 'POST', path: string, body: unknown, cookie: string | undefined): Promise<JsonReply> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { origin: options.origin, 'user-agent': 'bench' };
    if (payload !== undefined) headers['content-type'] = 'application/json';
    if (cookie) headers.cookie = cookie;
    return new Promise((resolve, reject) => {
      const req = request({ agent, hostname, port, method, path, headers, timeout: 30_000, ...(localAddress ? { localAddress } : {}) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // keep the text
          }
          resolve({ status: res.statusCode ?? 0, setCookies: res.headers['set-cookie'] ?? [], body: parsed });
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  return {
    post: (path: string, body: unknown, cookie?: string) => send('POST', path, body, cookie),
    get: (path: string, cookie?: string) => send('GET', path, undefined, cookie),
    close: () => agent.destroy(),
  };
}

export type JsonClient = ReturnType<typeof createJsonClient>;

/** The `name=value` pair a Set-Cookie header sets, if it sets (not clears) `name`. */
export function cookieFrom(setCookies: readonly string[], name: string): string | undefined {
  for (const line of setCookies) {
    const pair = line.split(';', 1)[0] ?? '';
    if (pair.startsWith(`${name}=`) && pair.length > name.length + 1) return pair;
  }
  return undefined;
}
