import { randomBytes } from 'node:crypto';
import type { LimitRule } from './limits/rate-limit';

export interface AuthOptions {
  /** Server secret keying the code HMAC (AUTH_SECRET). */
  secret: string;
  appName: string;
  appUrl: string;
  code: {
    length: number;
    ttlSeconds: number;
    resendCooldownSeconds: number;
    /** Wrong codes that void one sign-in attempt. */
    maxFailedAttempts: number;
    /** How many of an attempt's most recent unexpired codes are accepted (mail can arrive late). */
    validCodesPerAttempt: number;
  };
  session: {
    idleTimeoutSeconds: number;
    absoluteTimeoutSeconds: number;
    /** Expiry is pushed forward at most this often, so validation is usually one read. */
    refreshIntervalSeconds: number;
  };
  /** invite: only existing users get codes; open: anyone, the user is created on first sign-in. */
  signup: 'invite' | 'open';
  /** false: unknown and deactivated emails get the same answer as registered ones (no probing). */
  revealUnregistered: boolean;
  /** The code email also carries a one-click link that works in the browser that asked for the code. */
  emailLink: boolean;
  /**
   * New-sign-in notices (ASVS 6.3.5, 6.3.7): an email after a sign-in from a device and network the
   * user has not signed in from (nor kept a session on) in `knownForDays`; never for a first sign-in.
   */
  newSignInNotice: { enabled: boolean; knownForDays: number };
  /** Shared limits (in Postgres); see docs/security.md for the arithmetic. */
  limits: {
    codesPerEmail: LimitRule;
    /** Codes to one inbox, however its address is spelled (`+tags`, Gmail dots): against inbox bombing. */
    codesPerMailbox: LimitRule;
    wrongCodesPerEmail: LimitRule;
    /** A second, slower cap on wrong codes: bounds a patient guesser's odds per day and per year. */
    wrongCodesPerEmailPerDay: LimitRule;
    codesPerIp: LimitRule;
    /** Code requests per IPv6 /48 (a site's usual allocation), over the per-/64 limit. */
    codesPerIpv6Site: LimitRule;
    verifiesPerIp: LimitRule;
  };
}

export const defaultAuthOptions: Omit<AuthOptions, 'secret' | 'appName' | 'appUrl'> = {
  code: { length: 6, ttlSeconds: 900, resendCooldownSeconds: 60, maxFailedAttempts: 5, validCodesPerAttempt: 3 },
  session: { idleTimeoutSeconds: 30 * 86_400, absoluteTimeoutSeconds: 90 * 86_400, refreshIntervalSeconds: 3_600 },
  signup: 'invite',
  revealUnregistered: true,
  emailLink: true,
  newSignInNotice: { enabled: true, knownForDays: 90 },
  limits: {
    codesPerEmail: { limit: 5, windowSeconds: 3_600 },
    codesPerMailbox: { limit: 5, windowSeconds: 3_600 },
    wrongCodesPerEmail: { limit: 10, windowSeconds: 3_600 },
    wrongCodesPerEmailPerDay: { limit: 20, windowSeconds: 86_400 },
    codesPerIp: { limit: 30, windowSeconds: 3_600 },
    codesPerIpv6Site: { limit: 100, windowSeconds: 3_600 },
    verifiesPerIp: { limit: 60, windowSeconds: 600 },
  },
};

export interface AuthEvent {
  event: string;
  [field: string]: unknown;
}

/** What auth logic needs from the outside world, passed in so tests can control it. */
export interface AuthDeps {
  options: AuthOptions;
  now: () => Date;
  randomBytes: (size: number) => Buffer;
  /** Structured log line (never given codes or secrets). */
  log: (entry: AuthEvent) => void;
}

export function createAuthDeps(options: AuthOptions, overrides: Partial<Omit<AuthDeps, 'options'>> = {}): AuthDeps {
  return { options, now: () => new Date(), randomBytes, log: () => {}, ...overrides };
}

/** Who is asking: recorded on attempts, sessions and audit events. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

export function addSeconds(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
}
