import type { Failure, Reason } from '@app/auth';
import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';

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
}

export function reasonError(failure: Pick<Failure, 'reason' | 'retryAfterSeconds' | 'detail'>): ReasonError {
  return new ReasonError(failure.reason, failure.retryAfterSeconds, failure.detail);
}

/** The ReasonError behind a tRPC error (thrown as is, or wrapped by tRPC as its cause), if any. */
export function reasonErrorOf(error: TRPCError): ReasonError | null {
  return error instanceof ReasonError ? error : error.cause instanceof ReasonError ? error.cause : null;
}

/** The machine-readable reason a client is told for this error. */
export function reasonOf(error: TRPCError): Reason | 'internal' {
  return reasonErrorOf(error)?.reason ?? reasonForTRPCCode(error.code);
}

/** The reason for errors tRPC raises itself (bad JSON, bad input, unknown procedure, …). */
export function reasonForTRPCCode(code: TRPC_ERROR_CODE_KEY): Reason | 'internal' {
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

export { codeForReason, messageForReason };
