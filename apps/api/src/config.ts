import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AuthOptions, defaultAuthOptions as defaults, type LimitRule, parseEmail } from '@app/auth';
import { z } from 'zod';
import { isLoopbackHostname } from './http/loopback';

/** The repository root (this file sits in apps/api/src, or apps/api/dist once bundled). */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

const seconds = (fallback: number, min = 1) => z.coerce.number().int().min(min).default(fallback);
const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const flag = z.enum(['true', 'false']).default('false');

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** A rule as it is written in the environment: `5/1h` for 5 per 3600 s. */
function ruleText({ limit, windowSeconds }: LimitRule): string {
  const [unit, size] = Object.entries(UNIT_SECONDS).findLast(([, size]) => windowSeconds % size === 0) ?? ['s', 1];
  return `${limit}/${windowSeconds / size}${unit}`;
}

/** A limit written as `COUNT/WINDOW`, e.g. `5/1h`, `60/10m`, `1/60s`. */
function limitRule(fallback: LimitRule) {
  return z
    .string()
    .default(ruleText(fallback))
    .transform((value, ctx) => {
      const match = /^\s*(\d+)\s*\/\s*(\d+)\s*([smhd])\s*$/.exec(value);
      const limit = Number(match?.[1]);
      const windowSeconds = Number(match?.[2]) * UNIT_SECONDS[(match?.[3] ?? 's') as keyof typeof UNIT_SECONDS];
      if (!match || limit < 1 || windowSeconds < 1) {
        ctx.addIssue({ code: 'custom', message: 'must look like COUNT/WINDOW, e.g. 5/1h, 60/10m or 1/60s' });
        return z.NEVER;
      }
      return { limit, windowSeconds };
    });
}

/** Every environment variable the API reads (the keys), with its check and default. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: optional,
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  APP_URL: optional.pipe(z.url({ protocol: /^https?$/ }).optional()),
  APP_NAME: z.string().min(1).max(100).default('Acme'),
  DATABASE_URL: optional,
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  DATABASE_PREPARED_STATEMENTS: z.enum(['true', 'false']).default('true'),
  DATA_DIR: optional,
  AUTH_SECRET: optional.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  // The auth package's defaults are the only ones (defaultAuthOptions); here they are bounded.
  AUTH_CODE_LENGTH: z.coerce.number().int().min(6).max(10).default(defaults.code.length),
  // An hour at most: a code is a password that lives in an inbox (docs/security.md).
  AUTH_CODE_TTL_SECONDS: seconds(defaults.code.ttlSeconds, 60).pipe(z.number().max(3600)),
  AUTH_RESEND_COOLDOWN_SECONDS: seconds(defaults.code.resendCooldownSeconds, 0),
  AUTH_MAX_FAILED_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(defaults.code.maxFailedAttempts),
  AUTH_REVEAL_UNREGISTERED: z.enum(['true', 'false']).default(defaults.revealUnregistered ? 'true' : 'false'),
  SIGNUP: z.enum(['invite', 'open']).default(defaults.signup),
  INVITE_TTL_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(365),
  AUTH_LIMIT_CODES_PER_EMAIL: limitRule(defaults.limits.codesPerEmail),
  AUTH_LIMIT_WRONG_CODES_PER_EMAIL: limitRule(defaults.limits.wrongCodesPerEmail),
  AUTH_LIMIT_WRONG_CODES_PER_EMAIL_PER_DAY: limitRule(defaults.limits.wrongCodesPerEmailPerDay),
  AUTH_LIMIT_CODES_PER_MAILBOX: limitRule(defaults.limits.codesPerMailbox),
  AUTH_LIMIT_CODES_PER_IP: limitRule(defaults.limits.codesPerIp),
  AUTH_LIMIT_CODES_PER_IPV6_48: limitRule(defaults.limits.codesPerIpv6Site),
  AUTH_LIMIT_VERIFIES_PER_IP: limitRule(defaults.limits.verifiesPerIp),
  SESSION_IDLE_TIMEOUT_SECONDS: seconds(defaults.session.idleTimeoutSeconds, 60),
  SESSION_ABSOLUTE_TIMEOUT_SECONDS: seconds(defaults.session.absoluteTimeoutSeconds, 60),
  POSTMARK_SERVER_TOKEN: optional,
  POSTMARK_MESSAGE_STREAM: z.string().min(1).default('outbound'),
  POSTMARK_API_URL: z.url({ protocol: /^https?$/ }).default('https://api.postmarkapp.com'),
  MAIL_FROM: optional,
  ADMIN_EMAIL: optional.transform((value, ctx) => {
    if (value === undefined) return undefined;
    const parsed = parseEmail(value);
    if (parsed.ok) return parsed.email;
    ctx.addIssue({ code: 'custom', message: 'must be an email address people can receive mail at, e.g. admin@example.com' });
    return z.NEVER;
  }),
  TRUST_PROXY: optional,
  WEB_DIST_DIR: optional,
  ALLOW_INSECURE_HTTP: flag,
  DEV_MAILBOX_PUBLIC: flag,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  METRICS_TOKEN: optional.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  AUTH_EMAIL_LINK: z.enum(['true', 'false']).default(defaults.emailLink ? 'true' : 'false'),
  // Postmark puts them in the webhook URL (https://user:password@host/webhooks/postmark).
  POSTMARK_WEBHOOK_USER: optional.pipe(
    z
      .string()
      .max(100)
      .regex(/^[A-Za-z0-9._~-]+$/, 'must be letters, digits or . _ ~ - (it goes into a URL and a Basic credential)')
      .optional(),
  ),
  POSTMARK_WEBHOOK_PASSWORD: optional.pipe(
    z
      .string()
      .min(16, 'must be at least 16 characters')
      .max(200)
      .regex(/^[A-Za-z0-9._~-]+$/, 'must be letters, digits or . _ ~ - (it goes into a URL), e.g. openssl rand -hex 24')
      .optional(),
  ),
  NOTIFY_NEW_SIGN_IN: z.enum(['true', 'false']).default(defaults.newSignInNotice.enabled ? 'true' : 'false'),
  NOTIFY_NEW_SIGN_IN_DAYS: z.coerce.number().int().min(1).max(3650).default(defaults.newSignInNotice.knownForDays),
});

export type Env = z.input<typeof envSchema>;

export interface Config {
  env: 'development' | 'production' | 'test';
  isProduction: boolean;
  host: string;
  port: number;
  appUrl: URL;
  appName: string;
  /** preparedStatements: false behind a transaction-mode pooler that cannot keep them. */
  database: { url: string | undefined; poolSize: number; preparedStatements: boolean; dataDir: string };
  /** The auth package's options as they are, so they pass to it without remapping. */
  auth: AuthOptions;
  retention: {
    /** Invited users who never sign in are deleted this many days after the invitation. */
    inviteTtlDays: number;
    /** Audit events older than this many days are deleted by the hourly cleanup. */
    auditRetentionDays: number;
  };
  /** Postmark settings, or null to print emails to the console (never in production). */
  postmark: { serverToken: string; from: string; messageStream: string; apiUrl: string } | null;
  /**
   * The development mailbox (emails printed, listed at /dev/mailbox) when there is no Postmark:
   * `public` lets it answer other machines too (DEV_MAILBOX_PUBLIC); null in production or with Postmark.
   */
  devMailbox: { public: boolean } | null;
  adminEmail: string | undefined;
  /** Express "trust proxy" value: false (socket address only), a hop count, or addresses. */
  trustProxy: boolean | number | string;
  webDistDir: string;
  /** pino's level; `silent` turns logging off. */
  logLevel: LogLevel;
  /** Readable log lines (development) instead of one JSON object a line. */
  prettyLogs: boolean;
  /** Bearer token for GET /metrics; null: no /metrics at all. */
  metricsToken: string | null;
  /** HTTP Basic credentials for POST /webhooks/postmark; null: no such route. */
  postmarkWebhook: { user: string; password: string } | null;
}

export type LogLevel = z.infer<typeof envSchema>['LOG_LEVEL'];

export class ConfigError extends Error {}

/** Reads and checks every environment variable once; names the variable when one is wrong. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  const need = (name: string, why: string): never => {
    throw new ConfigError(`Invalid configuration:\n  ${name}: required ${why}`);
  };

  const dataDir = resolve(e.DATA_DIR ?? join(repoRoot, '.data'));
  const appUrl = new URL(e.APP_URL ?? (isProduction ? need('APP_URL', 'in production') : 'http://localhost:5173'));
  // Over http cookies lose Secure and __Host-, and there is no HSTS; loopback is a secure context.
  if (isProduction && appUrl.protocol === 'http:' && !isLoopbackHostname(appUrl.hostname) && e.ALLOW_INSECURE_HTTP !== 'true') {
    throw new ConfigError(
      `Invalid configuration:\n  APP_URL: must be https:// in production (http:// only for localhost, 127.0.0.1 or [::1]); set ALLOW_INSECURE_HTTP=true to serve ${appUrl.origin} over plain http on purpose`,
    );
  }
  const host = e.HOST ?? (isProduction ? '0.0.0.0' : '127.0.0.1');

  let secret = e.AUTH_SECRET;
  if (!secret) secret = isProduction ? need('AUTH_SECRET', 'in production (32+ random characters)') : devSecret(dataDir);

  let postmark: Config['postmark'] = null;
  if (e.POSTMARK_SERVER_TOKEN) {
    const from = e.MAIL_FROM ?? need('MAIL_FROM', 'when POSTMARK_SERVER_TOKEN is set');
    postmark = { serverToken: e.POSTMARK_SERVER_TOKEN, from, messageStream: e.POSTMARK_MESSAGE_STREAM, apiUrl: e.POSTMARK_API_URL };
  } else if (isProduction) {
    need('POSTMARK_SERVER_TOKEN', 'in production (emails are only printed to the console in development)');
  }
  const devMailbox = postmark || isProduction ? null : { public: e.DEV_MAILBOX_PUBLIC === 'true' };
  // Anyone who can reach a printed-email server can read every sign-in code from its mailbox.
  if (devMailbox && !devMailbox.public && !isLoopbackHostname(host)) {
    throw new ConfigError(
      `Invalid configuration:\n  HOST: ${host} is reachable from other machines, and without POSTMARK_SERVER_TOKEN sign-in codes are shown at /dev/mailbox; listen on 127.0.0.1, or set DEV_MAILBOX_PUBLIC=true to show them to anyone who can reach ${host} on purpose`,
    );
  }
  // One without the other would leave the route off (or open) without anyone noticing.
  if ((e.POSTMARK_WEBHOOK_USER === undefined) !== (e.POSTMARK_WEBHOOK_PASSWORD === undefined)) {
    const [missing, set] = e.POSTMARK_WEBHOOK_USER === undefined ? ['POSTMARK_WEBHOOK_USER', 'POSTMARK_WEBHOOK_PASSWORD'] : ['POSTMARK_WEBHOOK_PASSWORD', 'POSTMARK_WEBHOOK_USER'];
    need(missing, `when ${set} is set (the webhook needs both, or neither)`);
  }
  if (e.SESSION_ABSOLUTE_TIMEOUT_SECONDS < e.SESSION_IDLE_TIMEOUT_SECONDS) {
    throw new ConfigError('Invalid configuration:\n  SESSION_ABSOLUTE_TIMEOUT_SECONDS: must not be shorter than SESSION_IDLE_TIMEOUT_SECONDS');
  }

  return {
    env: e.NODE_ENV,
    isProduction,
    host,
    port: e.PORT,
    appUrl,
    appName: e.APP_NAME,
    database: { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE, preparedStatements: e.DATABASE_PREPARED_STATEMENTS === 'true', dataDir },
    auth: {
      secret,
      appName: e.APP_NAME,
      appUrl: appUrl.origin,
      code: {
        ...defaults.code,
        length: e.AUTH_CODE_LENGTH,
        ttlSeconds: e.AUTH_CODE_TTL_SECONDS,
        resendCooldownSeconds: e.AUTH_RESEND_COOLDOWN_SECONDS,
        maxFailedAttempts: e.AUTH_MAX_FAILED_ATTEMPTS,
      },
      session: { ...defaults.session, idleTimeoutSeconds: e.SESSION_IDLE_TIMEOUT_SECONDS, absoluteTimeoutSeconds: e.SESSION_ABSOLUTE_TIMEOUT_SECONDS },
      revealUnregistered: e.AUTH_REVEAL_UNREGISTERED === 'true',
      emailLink: e.AUTH_EMAIL_LINK === 'true',
      newSignInNotice: { enabled: e.NOTIFY_NEW_SIGN_IN === 'true', knownForDays: e.NOTIFY_NEW_SIGN_IN_DAYS },
      signup: e.SIGNUP,
      limits: {
        codesPerEmail: e.AUTH_LIMIT_CODES_PER_EMAIL,
        wrongCodesPerEmail: e.AUTH_LIMIT_WRONG_CODES_PER_EMAIL,
        wrongCodesPerEmailPerDay: e.AUTH_LIMIT_WRONG_CODES_PER_EMAIL_PER_DAY,
        codesPerMailbox: e.AUTH_LIMIT_CODES_PER_MAILBOX,
        codesPerIp: e.AUTH_LIMIT_CODES_PER_IP,
        codesPerIpv6Site: e.AUTH_LIMIT_CODES_PER_IPV6_48,
        verifiesPerIp: e.AUTH_LIMIT_VERIFIES_PER_IP,
      },
    },
    retention: { inviteTtlDays: e.INVITE_TTL_DAYS, auditRetentionDays: e.AUDIT_RETENTION_DAYS },
    postmark,
    devMailbox,
    adminEmail: e.ADMIN_EMAIL ?? (isProduction ? undefined : 'admin@example.com'),
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    webDistDir: resolve(e.WEB_DIST_DIR ?? join(repoRoot, 'apps/web/dist')),
    logLevel: e.LOG_LEVEL,
    prettyLogs: e.NODE_ENV === 'development',
    metricsToken: e.METRICS_TOKEN ?? null,
    postmarkWebhook:
      e.POSTMARK_WEBHOOK_USER !== undefined && e.POSTMARK_WEBHOOK_PASSWORD !== undefined
        ? { user: e.POSTMARK_WEBHOOK_USER, password: e.POSTMARK_WEBHOOK_PASSWORD }
        : null,
  };
}

function parseTrustProxy(value: string | undefined): Config['trustProxy'] {
  if (value === undefined || value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  // Addresses, CIDR ranges or express's names (loopback, linklocal, uniquelocal), comma-separated.
  return value;
}

/** Development only: a random secret made once and kept beside the embedded database. */
function devSecret(dataDir: string): string {
  const file = join(dataDir, 'auth-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}
