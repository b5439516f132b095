import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CaughtEmail {
  code: string;
  linkToken: string | null;
}

export interface MailCatcher {
  /** Where to point POSTMARK_API_URL. */
  url: string;
  token: string;
  /** Emails accepted so far. */
  readonly received: number;
  /** HTTP requests answered so far (a batch carries several emails). */
  readonly requests: number;
  /** The code of the next email to `to` (already arrived or still to come). */
  nextCode(to: string, timeoutMs?: number): Promise<string>;
  /** The code and the sign-in link's token (null without one) of the next email to `to`. */
  nextEmail(to: string, timeoutMs?: number): Promise<CaughtEmail>;
  close(): Promise<void>;
}

/**
 * Postmark's `POST /email` and `POST /email/batch`, answered like the real ones, keyed by recipient. The tests' fake
 * (apps/api/test/support/fake-postmark.ts) keeps every message in one list and rescans it for each
 * waiter on each arrival; at hundreds of sign-ins a second that scan would be the load generator's
 * own bottleneck, so the benchmark keeps only undelivered codes, one queue per address.
 */
export async function startMailCatcher(token: string): Promise<MailCatcher> {
  const inbox = new Map<string, CaughtEmail[]>();
  const waiters = new Map<string, (email: CaughtEmail) => void>();
  let received = 0;
  let requests = 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests += 1;
      const reply = (status: number, body: object) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const batch = req.url === '/email/batch';
      if (req.method !== 'POST' || (req.url !== '/email' && !batch)) return reply(404, { ErrorCode: 0, Message: 'Not found' });
      if (req.headers['x-postmark-server-token'] !== token) return reply(401, { ErrorCode: 10, Message: 'Bad token' });
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reply(422, { ErrorCode: 402, Message: 'Received invalid JSON input.' });
      }
      if (!batch) {
        const answer = take(body);
        return reply(answer.ErrorCode === 0 ? 200 : 422, answer);
      }
      if (!Array.isArray(body)) return reply(422, { ErrorCode: 402, Message: 'Received invalid JSON input.' });
      reply(200, body.map(take));
    });
  });

  /** Delivers one message to its waiter or inbox, answered as Postmark answers it. */
  function take(message: unknown): { ErrorCode: number; [field: string]: unknown } {
    const { To, TextBody } = (message ?? {}) as { To?: unknown; TextBody?: unknown };
    const to = String(To).toLowerCase();
    const code = /^\s*(\d{6,10})\s*$/m.exec(String(TextBody))?.[1];
    if (!code) return { ErrorCode: 300, Message: 'Invalid email request' };
    const email = { code, linkToken: /\/sign-in\/link#(\S+)$/m.exec(String(TextBody))?.[1] ?? null };
    received += 1;
    const waiter = waiters.get(to);
    if (waiter) {
      waiters.delete(to);
      waiter(email);
    } else {
      inbox.set(to, [...(inbox.get(to) ?? []), email]);
    }
    return { To: to, SubmittedAt: new Date().toISOString(), MessageID: `bench-${received}`, ErrorCode: 0, Message: 'OK' };
  }
  function nextEmail(to: string, timeoutMs = 10_000): Promise<CaughtEmail> {
    const key = to.toLowerCase();
    const queued = inbox.get(key);
    if (queued?.length) {
      const email = queued.shift()!;
      if (queued.length === 0) inbox.delete(key);
      return Promise.resolve(email);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(key);
        reject(new Error(`no email to ${to} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.set(key, (email) => {
        clearTimeout(timer);
        resolve(email);
      });
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    get received() {
      return received;
    },
    get requests() {
      return requests;
    },
    nextCode(to, timeoutMs) {
      return nextEmail(to, timeoutMs).then((email) => email.code);
    },
    nextEmail,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
