import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { describeError, readError } from './messages';

// What httpBatchLink builds from a tRPC error response.
function serverError(data: Record<string, unknown>, message = 'server message') {
  return TRPCClientError.from({ error: { code: -32600, message, data } });
}

describe('describeError', () => {
  it.each([
    ['missing_email', 'Please enter your email address.'],
    ['invalid_email', 'email address'],
    ['not_registered', 'is not registered. The app is invite-only'],
    ['invalid_or_expired_code', 'wrong or has expired'],
    ['too_many_attempts', 'request a new code'],
    ['invalid_timezone', 'time zone'],
    ['unauthenticated', 'sign in again'],
    ['forbidden', 'access'],
    ['csrf_rejected', 'reload the page'],
    ['bad_request', 'try again'],
    ['unavailable', 'temporarily unavailable'],
    ['not_found', 'couldn’t find'],
    ['last_admin', 'You can’t demote, deactivate or remove the last active admin.'],
    ['already_exists', 'A user with this email already exists.'],
    ['wrong_browser', 'works only in the browser where the code was requested'],
    ['invalid_or_expired_link', 'expired or was already used'],
  ])('explains %s in words', (reason, words) => {
    expect(describeError(serverError({ code: 'BAD_REQUEST', reason }))).toContain(words);
  });

  it('tells the user how long to wait when rate limited', () => {
    const err = serverError({ code: 'TOO_MANY_REQUESTS', reason: 'rate_limited', retryAfterSeconds: 42 });
    expect(describeError(err)).toBe('Please wait 42 seconds before trying again.');
  });

  it('still explains a rate limit that came without a wait', () => {
    const err = serverError({ code: 'TOO_MANY_REQUESTS', reason: 'rate_limited' });
    expect(describeError(err)).toMatch(/wait/i);
  });

  it('never shows the raw server message', () => {
    const err = serverError({ code: 'INTERNAL_SERVER_ERROR' }, 'relation "users" does not exist');
    expect(describeError(err)).toBe('Something went wrong. Please try again.');
  });

  it('does not blame the user for a server crash, whatever reason it carries', () => {
    const err = serverError({ code: 'INTERNAL_SERVER_ERROR', reason: 'bad_request' });
    expect(describeError(err)).toBe('Something went wrong. Please try again.');
  });

  it('uses the generic message for a reason it does not know', () => {
    expect(describeError(serverError({ code: 'BAD_REQUEST', reason: 'brand_new_reason' }))).toBe(
      'Something went wrong. Please try again.',
    );
  });

  it('is not fooled by reasons that are Object.prototype keys', () => {
    expect(describeError(serverError({ code: 'BAD_REQUEST', reason: 'toString' }))).toBe(
      'Something went wrong. Please try again.',
    );
  });

  it('falls back to the tRPC code when the server gave no reason', () => {
    expect(describeError(serverError({ code: 'UNAUTHORIZED' }))).toContain('sign in again');
    expect(describeError(serverError({ code: 'BAD_REQUEST' }))).toContain('wasn’t right');
  });

  it('reports a failed fetch as a network problem', () => {
    const err = TRPCClientError.from(new TypeError('Failed to fetch'));
    expect(describeError(err)).toBe('We couldn’t reach the server. Check your connection and try again.');
    expect(describeError(new TypeError('NetworkError when attempting to fetch resource.'))).toContain(
      'couldn’t reach the server',
    );
  });

  it('reports a non-tRPC answer (e.g. a proxy error page) as a network problem', () => {
    const err = TRPCClientError.from(new SyntaxError('Unexpected token < in JSON'));
    expect(readError(err).reason).toBe('network');
  });

  it('has a generic message for anything else', () => {
    expect(describeError(new Error('boom'))).toBe('Something went wrong. Please try again.');
    expect(describeError('a string')).toBe('Something went wrong. Please try again.');
    expect(describeError(undefined)).toBe('Something went wrong. Please try again.');
  });
});

describe('readError', () => {
  it('returns the reason, the tRPC code and a whole-second wait', () => {
    const err = serverError({ code: 'TOO_MANY_REQUESTS', reason: 'rate_limited', retryAfterSeconds: 41.2 });
    expect(readError(err)).toEqual({ reason: 'rate_limited', code: 'TOO_MANY_REQUESTS', retryAfterSeconds: 42 });
  });

  it('ignores a wait that is not a positive number', () => {
    for (const retryAfterSeconds of [0, -5, '42', Number.NaN, null]) {
      const err = serverError({ code: 'TOO_MANY_REQUESTS', reason: 'rate_limited', retryAfterSeconds });
      expect(readError(err).retryAfterSeconds).toBeUndefined();
    }
  });

  it('keeps NOT_FOUND so pages can tell a missing procedure apart', () => {
    expect(readError(serverError({ code: 'NOT_FOUND' }))).toEqual({ reason: 'not_found', code: 'NOT_FOUND' });
  });
});
