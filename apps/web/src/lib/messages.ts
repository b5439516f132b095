import type { Reason } from '@app/api/router';
import { TRPCClientError } from '@trpc/client';
import { formatDuration } from './duration';

/** What the UI needs to know about a failed call: the server's reason and, for limits, the wait. */
export type ErrorInfo = {
  reason: string;
  /** The tRPC error code (e.g. `NOT_FOUND`), when the server answered. */
  code?: string;
  retryAfterSeconds?: number;
};

const catalogue = {
  missing_email: 'Please enter your email address.',
  missing_code: 'Please enter the code from the email.',
  invalid_email: 'That doesn’t look like an email address. Please check it and try again.',
  not_registered:
    'This email address is not registered. The app is invite-only, so please ask an administrator to invite you.',
  invalid_or_expired_code:
    'That code is wrong or has expired. Check the latest email we sent you, or request a new code.',
  too_many_attempts: 'Too many wrong codes. Please request a new code.',
  rate_limited: 'Too many attempts. Please wait a moment before trying again.',
  invalid_timezone:
    'Your browser reported a time zone we don’t recognise. Please check your device’s time zone settings and try again.',
  unauthenticated: 'You’re signed out. Please sign in again.',
  forbidden: 'You don’t have access to this.',
  csrf_rejected: 'Your request couldn’t be verified. Please reload the page and try again.',
  bad_request: 'Something about that request wasn’t right. Please check and try again.',
  unavailable: 'The service is temporarily unavailable. Please try again in a few minutes.',
  not_found: 'We couldn’t find what you were looking for.',
  last_admin: 'You can’t demote, deactivate or remove the last active admin.',
  already_exists: 'A user with this email already exists.',
  wrong_browser:
    'This link works only in the browser where the code was requested. Open the link there, or type the code from the same email on the sign-in page in that browser.',
  invalid_or_expired_link:
    'This sign-in link has expired or was already used. Request a new code on the sign-in page.',
  missing_link: 'This page opens the sign-in link from your email, and the link was not complete. Click the button in the email again, or type the code from the email instead.',
  same_email: 'That’s already your email address. Enter the new one.',
  email_undeliverable: 'We couldn’t deliver email to this address recently. Check it, or ask an administrator.',
  reactivation_failed:
    'The email provider didn’t reactivate this address, so no email goes to it yet. Addresses that reported our email as spam can’t be reactivated; otherwise try again in a few minutes.',
  // A crash is labelled `internal` on the wire; readError shows it as `unknown` whatever the label.
  internal: 'Something went wrong. Please try again.',
  network: 'We couldn’t reach the server. Check your connection and try again.',
  unknown: 'Something went wrong. Please try again.',
} as const satisfies Record<ErrorReason, string>;

/**
 * Every reason the catalogue has words for: each the API can send (a reason added there without
 * words here fails to compile), and the client's own `missing_code`, `missing_link`, `network` and
 * `unknown`.
 */
export type ErrorReason = Reason | 'missing_code' | 'missing_link' | 'network' | 'unknown';

// Used only when the server answered without a reason of its own (e.g. a router-level failure).
const reasonForCode: Partial<Record<string, ErrorReason>> = {
  BAD_REQUEST: 'bad_request',
  PARSE_ERROR: 'bad_request',
  UNAUTHORIZED: 'unauthenticated',
  FORBIDDEN: 'forbidden',
  NOT_FOUND: 'not_found',
  TOO_MANY_REQUESTS: 'rate_limited',
  SERVICE_UNAVAILABLE: 'unavailable',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

// Own properties only: a reason like "toString" must not find Object.prototype.
function lookup<V>(table: Partial<Record<string, V>>, key: string | undefined): V | undefined {
  return key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Reads the reason (and retry delay) out of whatever a tRPC call threw. */
export function readError(err: unknown): ErrorInfo {
  if (!(err instanceof TRPCClientError)) {
    // fetch() rejects with a TypeError when the network is down or the request is blocked.
    return { reason: err instanceof TypeError ? 'network' : 'unknown' };
  }
  const data: unknown = err.data;
  // No error shape means the server never answered in tRPC's format: offline, proxy error page, etc.
  if (!isRecord(data)) return { reason: 'network' };

  const code = typeof data.code === 'string' ? data.code : undefined;
  // A server crash gets the generic message whatever reason it was labelled with.
  const reason =
    code === 'INTERNAL_SERVER_ERROR'
      ? 'unknown'
      : typeof data.reason === 'string'
        ? data.reason
        : (lookup(reasonForCode, code) ?? 'unknown');
  const info: ErrorInfo = { reason };
  if (code) info.code = code;
  const retry = data.retryAfterSeconds;
  if (typeof retry === 'number' && Number.isFinite(retry) && retry > 0) {
    info.retryAfterSeconds = Math.ceil(retry);
  }
  return info;
}

/** Words a person understands for an error reason. Unknown reasons get a generic message. */
export function messageFor(info: ErrorInfo): string {
  if (info.reason === 'rate_limited' && info.retryAfterSeconds !== undefined) {
    return `Please wait ${formatDuration(info.retryAfterSeconds)} before trying again.`;
  }
  return lookup(catalogue, info.reason) ?? catalogue.unknown;
}

/** The message to show for anything a tRPC call threw. */
export function describeError(err: unknown): string {
  return messageFor(readError(err));
}
