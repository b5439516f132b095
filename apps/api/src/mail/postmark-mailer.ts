import type { Mailer, OutgoingEmail, SendResult } from '@app/auth';
import { ServerClient } from 'postmark';

export interface PostmarkMailerOptions {
  serverToken: string;
  /** Sender address; must be a confirmed Sender Signature or on a verified domain. */
  from: string;
  messageStream: string;
  /** `https://api.postmarkapp.com`, or a local stand-in such as `http://127.0.0.1:45678`. */
  apiUrl: string;
  /** Give up on one request after this long. Keep it well under the outbox lease (60 s by default). */
  timeoutSeconds?: number;
}

/** Sends email through Postmark's HTTP API and classifies every failure as transient or permanent. */
export function createPostmarkMailer(options: PostmarkMailerOptions): Mailer {
  const url = new URL(options.apiUrl);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`Postmark API URL must be http(s), got ${options.apiUrl}`);
  }
  const client = new ServerClient(options.serverToken, {
    requestHost: url.host,
    useHttps: url.protocol === 'https:',
    // The client's own default is 180 s, longer than the outbox lease: another worker could resend.
    timeout: options.timeoutSeconds ?? 10,
    fetch: fetchKeepingCause,
  });
  const message = (email: OutgoingEmail) => ({
    From: options.from,
    To: email.to,
    Subject: email.subject,
    TextBody: email.text,
    HtmlBody: email.html,
    MessageStream: options.messageStream,
    Tag: email.tag,
  });
  return {
    name: 'postmark',
    async send(email) {
      try {
        const response = await client.sendEmail(message(email));
        return { status: 'sent', messageId: response.MessageID };
      } catch (error) {
        return classifyPostmarkError(error);
      }
    },
    // Postmark's batch endpoint takes up to 500 messages and answers each in order; a whole-request
    // failure (token, rate limit, outage) rejects like a single send and applies to every message.
    async sendBatch(emails) {
      try {
        const responses = await client.sendEmailBatch(emails.map(message));
        return emails.map((_, i) => classifyBatchResponse(responses[i]));
      } catch (error) {
        return emails.map(() => classifyPostmarkError(error));
      }
    },
    // Postmark keeps a suppression list per message stream; deleting the address from it
    // reactivates it. Postmark refuses for some reasons (a spam complaint), answering Status "Failed".
    async reactivate(address) {
      try {
        const response = await client.deleteSuppressions(options.messageStream, { Suppressions: [{ EmailAddress: address }] });
        const status = response.Suppressions.find((s) => s.EmailAddress.toLowerCase() === address.toLowerCase()) ?? response.Suppressions[0];
        if (status?.Status === 'Deleted') return { ok: true };
        return { ok: false, error: `Postmark did not reactivate the address: ${status?.Message ?? status?.Status ?? 'no answer for it'}` };
      } catch (error) {
        return { ok: false, error: classifyPostmarkError(error).error };
      }
    },
  };
}

/** Postmark's ErrorCode for "you tried to send to recipient(s) that have been marked as inactive". */
const INACTIVE_RECIPIENT = 406;

/**
 * One message's answer in a batch: ErrorCode 0 is sent; any other code is Postmark refusing that
 * message (invalid fields, an inactive recipient), which a retry would meet again.
 */
export function classifyBatchResponse(response: { ErrorCode?: unknown; Message?: unknown; MessageID?: unknown } | undefined): SendResult {
  if (!response) return { status: 'transient', error: 'Postmark batch: no answer for this message' };
  if (response.ErrorCode === 0 && typeof response.MessageID === 'string') return { status: 'sent', messageId: response.MessageID };
  const error = `Postmark batch (ErrorCode ${String(response.ErrorCode)}): ${String(response.Message)}`;
  return response.ErrorCode === INACTIVE_RECIPIENT ? { status: 'permanent', error, inactiveRecipient: true } : { status: 'permanent', error };
}

type Failed = Exclude<SendResult, { status: 'sent' }>;

/**
 * Postmark's client rejects with a PostmarkError carrying `statusCode` (HTTP status, 0 when no
 * response arrived: refused, reset, timed out) and `code` (Postmark's ErrorCode). A request that
 * was answered with a 4xx other than 408/429 will be refused again; anything else may pass later.
 */
export function classifyPostmarkError(error: unknown): Failed {
  const statusCode = numberField(error, 'statusCode');
  const errorCode = numberField(error, 'code');
  const message = error instanceof Error ? error.message : String(error);
  if (statusCode === 0) return { status: 'transient', error: `no complete response from Postmark: ${message}` };
  const description = `Postmark ${statusCode}${errorCode ? ` (ErrorCode ${errorCode})` : ''}: ${message}`;
  const refused = statusCode >= 400 && statusCode < 500 && statusCode !== 408 && statusCode !== 429;
  if (refused && errorCode === INACTIVE_RECIPIENT) return { status: 'permanent', error: description, inactiveRecipient: true };
  return { status: refused ? 'permanent' : 'transient', error: description };
}

function numberField(error: unknown, field: 'statusCode' | 'code'): number {
  const value = (error as Record<string, unknown> | null)?.[field];
  return typeof value === 'number' ? value : 0;
}

// The client reports any network failure as a bare "fetch failed"; keep the cause (ECONNREFUSED…)
// so the outbox's last_error says what happened.
const fetchKeepingCause: typeof fetch = (input, init) =>
  fetch(input, init).catch((error: unknown) => {
    const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
    if (!(error instanceof Error) || cause === undefined) throw error;
    throw new Error(`${error.message} (${String(cause.code ?? cause.message ?? cause)})`);
  });
