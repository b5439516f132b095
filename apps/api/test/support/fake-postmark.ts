import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AboutMessage,
  bouncePayload,
  DEACTIVATING_TYPES,
  deliveryPayload,
  postWebhook,
  spamComplaintPayload,
  subscriptionChangePayload,
  type WebhookReply,
} from './postmark-webhooks';

/**
 * How the fake answers a request. An HTTP error status replies with a Postmark-style JSON body;
 * 'hang' holds the request until the mode changes or the server stops; 'reset' kills the connection.
 */
export type FakeBehaviour = 'ok' | 'hang' | 'reset' | { status: number; errorCode?: number; message?: string };

/** One email the fake accepted, with the fields Postmark reads and the request's headers. */
export interface FakeMessage {
  MessageID: string;
  From: string;
  To: string;
  Subject: string;
  TextBody: string | undefined;
  HtmlBody: string | undefined;
  MessageStream: string | undefined;
  Tag: string | undefined;
  headers: IncomingHttpHeaders;
}

export interface FakePostmark {
  /** e.g. `http://127.0.0.1:45678`; stays the same across stop() and start(). */
  readonly url: string;
  /** Accepted emails, oldest first. */
  readonly messages: readonly FakeMessage[];
  /** Every request that arrived, whatever it was answered with. */
  readonly requestCount: number;
  /** Answer the next requests with these behaviours, in order, before falling back to the mode. */
  queue(...behaviours: FakeBehaviour[]): void;
  /**
   * Answer every request this way until changed. Requests held by 'hang' are answered under the
   * new mode, as a slow server finally would, even if their client gave up meanwhile.
   */
  setMode(mode: FakeBehaviour): void;
  /** Refuse emails to this address from now on, as Postmark does once a recipient bounced (ErrorCode 406). */
  markInactive(recipient: string, reason?: string): void;
  /** Every suppression deletion asked for (`POST /message-streams/{stream}/suppressions/delete`), oldest first. */
  readonly suppressionDeletions: ReadonlyArray<{ stream: string; addresses: string[] }>;
  /**
   * Postmark's webhooks, sent to the URL set here (`http://user:password@127.0.0.1:port/webhooks/postmark`,
   * as entered in Postmark), each about an accepted email. A bounce of a type Postmark deactivates
   * on, a spam complaint and a suppressing subscription change mark the address inactive, as Postmark does.
   */
  webhooks: {
    url: string | null;
    delivery(message: AboutMessage, at?: Date): Promise<WebhookReply>;
    bounce(message: AboutMessage, type?: string, at?: Date): Promise<WebhookReply>;
    spamComplaint(message: AboutMessage, at?: Date): Promise<WebhookReply>;
    subscriptionChange(message: Pick<AboutMessage, 'To'> & Partial<AboutMessage>, suppressSending: boolean, options?: { at?: Date; reason?: string; origin?: string }): Promise<WebhookReply>;
    /** Any body, as is (a string is sent verbatim): for malformed payloads and replays. */
    send(body: unknown, headers?: Record<string, string>, url?: string): Promise<WebhookReply>;
  };
  /** The newest accepted email matching `predicate`, waiting for it up to `timeoutMs`. */
  waitForMessage(predicate: (message: FakeMessage) => boolean, timeoutMs?: number): Promise<FakeMessage>;
  /** The 6-digit code (a line of its own) in the newest email to `to`. */
  codeFor(to: string): string;
  /**
   * The code in the first email to `to` with a code that arrives after the first `since` emails
   * (take `since` from `messages.length` before asking for the code), waiting up to `timeoutMs`.
   * An earlier code email to `to` still on its way would be taken for it: await each in turn.
   */
  waitForCode(to: string, since: number, timeoutMs?: number): Promise<string>;
  /** Stops listening and drops every connection (clients then get ECONNREFUSED), keeping the port. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  body: string;
}

/**
 * A stand-in for Postmark's `POST /email`, `POST /email/batch` and
 * `POST /message-streams/{stream}/suppressions/delete` on a loopback port, with fault injection,
 * and a sender of Postmark's webhooks.
 */
export async function startFakePostmark(options: { serverToken: string }): Promise<FakePostmark> {
  const messages: FakeMessage[] = [];
  const queued: FakeBehaviour[] = [];
  const waiters = new Set<() => void>();
  let mode: FakeBehaviour = 'ok';
  let requestCount = 0;
  let hanging: Exchange[] = [];
  /** Inactive addresses, with why (Postmark will not reactivate a spam complaint). */
  const inactive = new Map<string, string>();
  const suppressionDeletions: Array<{ stream: string; addresses: string[] }> = [];

  const server = createServer((req, res) => {
    requestCount += 1;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => answer({ req, res, body: Buffer.concat(chunks).toString('utf8') }, queued.shift() ?? mode));
  });

  function answer(exchange: Exchange, behaviour: FakeBehaviour): void {
    if (behaviour === 'hang') return void hanging.push(exchange);
    if (behaviour === 'reset') return void (exchange.req.socket.destroyed || exchange.req.socket.resetAndDestroy());
    if (behaviour !== 'ok') {
      const message = behaviour.message ?? defaultErrorMessage(behaviour.status, behaviour.errorCode, exchange.body);
      return reply(exchange.res, behaviour.status, { ErrorCode: behaviour.errorCode ?? 0, Message: message });
    }
    accept(exchange);
  }

  function accept({ req, res, body }: Exchange): void {
    const batch = req.url === '/email/batch';
    const deletion = /^\/message-streams\/([^/]+)\/suppressions\/delete$/.exec(req.url ?? '');
    if (req.method !== 'POST' || (req.url !== '/email' && !batch && !deletion)) return reply(res, 404, { ErrorCode: 0, Message: 'Not found' });
    const token = req.headers['x-postmark-server-token'];
    if (token !== options.serverToken) {
      return reply(res, 401, { ErrorCode: 10, Message: 'The Server Token you provided in the X-Postmark-Server-Token request header was invalid.' });
    }
    const parsed = parseJson(body);
    if (deletion) return deleteSuppressions(res, decodeURIComponent(deletion[1]!), parsed);
    if (!batch) {
      const answer = take(parsed, req.headers);
      return reply(res, answer.ErrorCode === 0 ? 200 : 422, answer);
    }
    if (!Array.isArray(parsed)) return reply(res, 422, { ErrorCode: 402, Message: 'Received invalid JSON input.' });
    if (parsed.length > 500) return reply(res, 422, { ErrorCode: 300, Message: 'Invalid email request: batch of more than 500 messages.' });
    // Postmark answers a batch with 200 and one result per message, in order, each with its own ErrorCode.
    reply(res, 200, parsed.map((fields) => take(fields, req.headers)));
  }

  /** Postmark answers each address with Status "Deleted", or "Failed" with a Message (e.g. for a spam complaint). */
  function deleteSuppressions(res: ServerResponse, stream: string, parsed: unknown): void {
    const entries = (parsed as { Suppressions?: unknown } | undefined)?.Suppressions;
    if (!Array.isArray(entries)) return reply(res, 422, { ErrorCode: 402, Message: 'Received invalid JSON input.' });
    const addresses = entries.map((e) => String((e as { EmailAddress?: unknown } | null)?.EmailAddress ?? ''));
    suppressionDeletions.push({ stream, addresses });
    const statuses = addresses.map((address) => {
      const key = address.toLowerCase();
      if (inactive.get(key) === 'SpamComplaint') {
        return { EmailAddress: address, Status: 'Failed', Message: 'You do not have the required authority to change this suppression.' };
      }
      inactive.delete(key);
      return { EmailAddress: address, Status: 'Deleted', Message: null };
    });
    reply(res, 200, { Suppressions: statuses });
  }

  /** Accepts one message, or says why Postmark would refuse it. */
  function take(value: unknown, headers: IncomingHttpHeaders): Record<string, unknown> {
    const fields = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
    if (!fields) return { ErrorCode: 402, Message: 'Received invalid JSON input.' };
    const { From, To, Subject } = fields;
    if (typeof From !== 'string' || typeof To !== 'string' || typeof Subject !== 'string') {
      return { ErrorCode: 300, Message: 'Invalid email request: From, To and Subject are required.' };
    }
    if (inactive.has(To.toLowerCase())) return { ErrorCode: 406, Message: defaultErrorMessage(422, 406, JSON.stringify({ To })) };
    const message: FakeMessage = {
      MessageID: randomUUID(),
      From,
      To,
      Subject,
      TextBody: optionalString(fields.TextBody),
      HtmlBody: optionalString(fields.HtmlBody),
      MessageStream: optionalString(fields.MessageStream),
      Tag: optionalString(fields.Tag),
      headers,
    };
    messages.push(message);
    for (const wake of [...waiters]) wake();
    return { To, SubmittedAt: new Date().toISOString(), MessageID: message.MessageID, ErrorCode: 0, Message: 'OK' };
  }

  function dropConnections(): void {
    for (const { req } of hanging) req.socket.destroy();
    hanging = [];
    server.closeAllConnections();
  }

  function listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  async function stop(): Promise<void> {
    if (!server.listening) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    dropConnections();
    await closed;
  }

  function waitForMessage(predicate: (message: FakeMessage) => boolean, timeoutMs = 5_000): Promise<FakeMessage> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = messages.findLast(predicate);
        if (!found) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        const received = messages.map((m) => `"${m.Subject}" to ${m.To}`).join(', ') || 'none';
        reject(new Error(`fake Postmark: no matching email within ${timeoutMs} ms (received: ${received})`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  }

  const webhooks: FakePostmark['webhooks'] = {
    url: null,
    send(body, headers, url) {
      const target = url ?? webhooks.url;
      if (!target) throw new Error('fake Postmark: no webhook URL set (postmark.webhooks.url)');
      return postWebhook(target, body, headers);
    },
    delivery: (message, at) => webhooks.send(deliveryPayload(message, at)),
    bounce(message, type = 'HardBounce', at) {
      if (DEACTIVATING_TYPES.has(type)) inactive.set(message.To.toLowerCase(), type);
      return webhooks.send(bouncePayload(message, type, at));
    },
    spamComplaint(message, at) {
      inactive.set(message.To.toLowerCase(), 'SpamComplaint');
      return webhooks.send(spamComplaintPayload(message, at));
    },
    subscriptionChange(message, suppressSending, changeOptions = {}) {
      if (suppressSending) inactive.set(message.To.toLowerCase(), changeOptions.reason ?? 'ManualSuppression');
      else inactive.delete(message.To.toLowerCase());
      return webhooks.send(subscriptionChangePayload(message, suppressSending, changeOptions));
    },
  };

  await listen(0);
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    get messages() {
      return messages;
    },
    get requestCount() {
      return requestCount;
    },
    queue: (...behaviours) => void queued.push(...behaviours),
    setMode(next) {
      mode = next;
      const released = hanging;
      hanging = [];
      for (const exchange of released) answer(exchange, next);
    },
    markInactive: (recipient, reason = 'HardBounce') => void inactive.set(recipient.toLowerCase(), reason),
    get suppressionDeletions() {
      return suppressionDeletions;
    },
    webhooks,
    waitForMessage,
    codeFor(to) {
      const message = messages.findLast((m) => sameAddress(m.To, to));
      if (!message) throw new Error(`fake Postmark: no email to ${to}`);
      const code = codeIn(message);
      if (!code) throw new Error(`fake Postmark: no code in the newest email to ${to}`);
      return code;
    },
    async waitForCode(to, since, timeoutMs = 10_000) {
      const codeTo = (m: FakeMessage) => (sameAddress(m.To, to) ? codeIn(m) : null);
      await waitForMessage((m) => codeTo(m) !== null && messages.indexOf(m) >= since, timeoutMs);
      // The first one after `since`: the answer to the request, when no earlier one was on its way.
      return messages.slice(since).map(codeTo).find((code) => code !== null) as string;
    },
    stop,
    start: () => listen(port),
    close: stop,
  };
}

const sameAddress = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The 6-digit code on a line of its own in the text body, as the sign-in email has it. */
function codeIn(message: FakeMessage): string | null {
  return /^\s*(\d{6,10})\s*$/m.exec(message.TextBody ?? '')?.[1] ?? null;
}

function reply(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function defaultErrorMessage(status: number, errorCode: number | undefined, body: string): string {
  if (errorCode === 406) {
    const fields = parseJson(body) as { To?: unknown } | undefined;
    const to = optionalString(fields?.To) ?? 'unknown';
    // Worded like Postmark's, which the client parses to list the inactive recipients.
    return `You tried to send to recipient(s) that have been marked as inactive. Found inactive addresses: ${to}. Inactive recipients are ones that have generated a hard bounce, a spam complaint, or a manual suppression.`;
  }
  if (status === 429) return 'Rate limit exceeded.';
  return status >= 500 ? 'Internal server error.' : `Request failed with status ${status}.`;
}
