import { DOMAIN_REASONS, type DomainReason, type Failure } from '@app/auth';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPC_ERROR_CODES_BY_KEY, type TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';

/** Reasons only the transport gives: a refused cross-site request, the database away, a crash. */
export const TRANSPORT_REASONS = ['csrf_rejected', 'unavailable', 'internal'] as const;
export type TransportReason = (typeof TRANSPORT_REASONS)[number];

/** Every reason a client can be told: the auth package's and the transport's. */
export const REASONS = [...DOMAIN_REASONS, ...TRANSPORT_REASONS] as const;
export type Reason = DomainReason | TransportReason;

/** The one table from a failure reason to its tRPC code (and so its HTTP status). */
const codeForReason: Record<Reason, TRPC_ERROR_CODE_KEY> = {
  missing_email: 'BAD_REQUEST',
  invalid_email: 'BAD_REQUEST',
  invalid_timezone: 'BAD_REQUEST',
  bad_request: 'BAD_REQUEST',
  not_registered: 'FORBIDDEN',
  invalid_or_expired_code: 'UNAUTHORIZED',
  too_many_attempts: 'FORBIDDEN',
  rate_limited: 'TOO_MANY_REQUESTS',
  unauthenticated: 'UNAUTHORIZED',
  forbidden: 'FORBIDDEN',
  csrf_rejected: 'FORBIDDEN',
  not_found: 'NOT_FOUND',
  unavailable: 'SERVICE_UNAVAILABLE',
  last_admin: 'CONFLICT',
  already_exists: 'CONFLICT',
  wrong_browser: 'FORBIDDEN',
  invalid_or_expired_link: 'UNAUTHORIZED',
  same_email: 'BAD_REQUEST',
  email_undeliverable: 'FORBIDDEN',
  // The email provider failed, not the caller or this server.
  reactivation_failed: 'BAD_GATEWAY',
  internal: 'INTERNAL_SERVER_ERROR',
};

/** Developer-facing text; the web app has its own words for people. */
const messageForReason: Record<Reason, string> = {
  missing_email: 'An email address is required.',
  invalid_email: 'That is not a valid email address.',
  invalid_timezone: 'The time zone is not a valid IANA time zone name.',
  bad_request: 'The request is malformed.',
  not_registered: 'This email is not registered.',
  invalid_or_expired_code: 'The code is invalid or has expired.',
  too_many_attempts: 'Too many wrong codes; request a new code.',
  rate_limited: 'Too many requests; try again later.',
  unauthenticated: 'You need to sign in.',
  forbidden: 'You are not allowed to do this.',
  csrf_rejected: 'Cross-site request refused.',
  not_found: 'Not found.',
  unavailable: 'The service is temporarily unavailable.',
  last_admin: 'The last active admin cannot be demoted, deactivated or removed.',
  already_exists: 'A user with this email already exists.',
  wrong_browser: 'This sign-in link works only in the browser where the code was requested.',
  invalid_or_expired_link: 'The sign-in link is invalid, used or has expired.',
  same_email: 'That is already the account’s email address.',
  email_undeliverable: 'Email to this address bounced or was refused recently; it is suppressed.',
  reactivation_failed: 'The email provider did not reactivate the address; it stays suppressed.',
  internal: 'Internal error.',
};

/** A TRPCError that knows its machine-readable reason. */
export class ReasonError extends TRPCError {
  constructor(
    readonly reason: Reason,
    readonly retryAfterSeconds?: number,
    /** For the refusal's log line only; never sent. */
    readonly detail?: string,
  ) {
    super({ code: codeForReason[reason], message: messageForReason[reason] });
  }

  /** The error for a failure the auth package returned. */
  static from(failure: Pick<Failure, 'reason' | 'retryAfterSeconds' | 'detail'>): ReasonError {
    return new ReasonError(failure.reason, failure.retryAfterSeconds, failure.detail);
  }
}

/**
 * The body of a refusal made outside tRPC (the CSRF guard, an unknown path, the HTTP parser,
 * /metrics), in the shape tRPC gives its own errors, so a client reads every refusal one way.
 * `httpStatus` overrides the reason's status where the transport is more precise (431, 408).
 */
export function errorBody(reason: Reason, httpStatus = httpStatusOf(reason)) {
  const code = codeForReason[reason];
  return { error: { message: messageForReason[reason], code: TRPC_ERROR_CODES_BY_KEY[code], data: { code, httpStatus, reason } } };
}

export function httpStatusOf(reason: Reason): number {
  return getHTTPStatusCodeFromError(new TRPCError({ code: codeForReason[reason] }));
}

/** The ReasonError behind a tRPC error (thrown as is, or wrapped by tRPC as its cause), if any. */
export function reasonErrorOf(error: TRPCError): ReasonError | null {
  return error instanceof ReasonError ? error : error.cause instanceof ReasonError ? error.cause : null;
}

/** The machine-readable reason a client is told for this error. */
export function reasonOf(error: TRPCError): Reason {
  return reasonErrorOf(error)?.reason ?? reasonForTRPCCode(error.code);
}

/** The reason for errors tRPC raises itself (bad JSON, bad input, unknown procedure, …). */
export function reasonForTRPCCode(code: TRPC_ERROR_CODE_KEY): Reason {
  switch (code) {
    case 'INTERNAL_SERVER_ERROR':
      return 'internal';
    case 'NOT_FOUND':
      return 'not_found';
    case 'UNAUTHORIZED':
      return 'unauthenticated';
    case 'FORBIDDEN':
      return 'forbidden';
    case 'SERVICE_UNAVAILABLE':
      return 'unavailable';
    case 'TOO_MANY_REQUESTS':
      return 'rate_limited';
    default:
      return 'bad_request';
  }
}
