import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultAuthOptions } from '@app/auth';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

const production = {
  NODE_ENV: 'production',
  APP_URL: 'https://auth.example.com',
  AUTH_SECRET: 's'.repeat(40),
  POSTMARK_SERVER_TOKEN: 'token',
  MAIL_FROM: 'auth@example.com',
};

function expectError(env: Record<string, string>, variable: string) {
  expect(() => loadConfig(env)).toThrow(ConfigError);
  expect(() => loadConfig(env)).toThrow(variable);
}

describe('configuration', () => {
  it('runs in development with nothing set: embedded database, console email, a default admin', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'config-'));
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config).toMatchObject({ env: 'development', port: 3000, postmark: null, adminEmail: 'admin@example.com' });
    expect(config.database).toMatchObject({ url: undefined, dataDir });
    expect(config.appUrl.origin).toBe('http://localhost:5173');
    expect(config.auth.code).toMatchObject({ length: 6, ttlSeconds: 900, resendCooldownSeconds: 60, maxFailedAttempts: 5 });
    expect(config.auth.session.idleTimeoutSeconds).toBe(30 * 86_400);
    expect(config.auth.session.absoluteTimeoutSeconds).toBe(90 * 86_400);
    expect(config.database.preparedStatements).toBe(true);
    expect(config.retention.auditRetentionDays).toBe(365);
    // Unset, every auth option is the auth package's default: one source, no remapping.
    expect(config.auth).toEqual({ ...defaultAuthOptions, secret: expect.any(String), appName: 'Acme', appUrl: 'http://localhost:5173' });
  });

  it('makes a development secret once and keeps it in DATA_DIR', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'config-'));
    const first = loadConfig({ DATA_DIR: dataDir }).auth.secret;
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig({ DATA_DIR: dataDir }).auth.secret).toBe(first);
    expect(readFileSync(join(dataDir, 'auth-secret'), 'utf8').trim()).toBe(first);
    expect(statSync(join(dataDir, 'auth-secret')).mode & 0o077).toBe(0);
  });

  it('accepts a complete production configuration', () => {
    const config = loadConfig(production);
    expect(config.postmark).toEqual({
      serverToken: 'token',
      from: 'auth@example.com',
      messageStream: 'outbound',
      apiUrl: 'https://api.postmarkapp.com',
    });
    expect(config.adminEmail).toBeUndefined();
    expect(config.host).toBe('0.0.0.0');
  });

  it('names the variable that is missing or wrong', () => {
    const { AUTH_SECRET: _s, ...noSecret } = production;
    expectError(noSecret, 'AUTH_SECRET');
    expectError({ ...production, AUTH_SECRET: 'short' }, 'AUTH_SECRET');
    const { APP_URL: _u, ...noUrl } = production;
    expectError(noUrl, 'APP_URL');
    const { POSTMARK_SERVER_TOKEN: _t, ...noToken } = production;
    expectError(noToken, 'POSTMARK_SERVER_TOKEN');
    const { MAIL_FROM: _f, ...noFrom } = production;
    expectError(noFrom, 'MAIL_FROM');
    expectError({ ...production, PORT: 'eighty' }, 'PORT');
    expectError({ ...production, APP_URL: 'ftp://x' }, 'APP_URL');
    expectError({ ...production, AUTH_CODE_TTL_SECONDS: '-5' }, 'AUTH_CODE_TTL_SECONDS');
    expectError({ ...production, NODE_ENV: 'staging' }, 'NODE_ENV');
    expectError({ ...production, SESSION_ABSOLUTE_TIMEOUT_SECONDS: '3600' }, 'SESSION_ABSOLUTE_TIMEOUT_SECONDS');
    expectError({ ...production, DATABASE_PREPARED_STATEMENTS: 'off' }, 'DATABASE_PREPARED_STATEMENTS');
    expectError({ ...production, AUDIT_RETENTION_DAYS: '0' }, 'AUDIT_RETENTION_DAYS');
    expectError({ ...production, AUTH_EMAIL_LINK: 'yes' }, 'AUTH_EMAIL_LINK');
  });

  it('turns the sign-in link off with AUTH_EMAIL_LINK=false only', () => {
    expect(loadConfig(production).auth.emailLink).toBe(true);
    expect(loadConfig({ ...production, AUTH_EMAIL_LINK: 'false' }).auth.emailLink).toBe(false);
  });

  it('caps AUTH_CODE_TTL_SECONDS at an hour', () => {
    expect(loadConfig({ ...production, AUTH_CODE_TTL_SECONDS: '3600' }).auth.code.ttlSeconds).toBe(3600);
    expectError({ ...production, AUTH_CODE_TTL_SECONDS: '3601' }, 'AUTH_CODE_TTL_SECONDS');
  });

  it('refuses a plain-http APP_URL in production unless it is loopback or ALLOW_INSECURE_HTTP=true', () => {
    expectError({ ...production, APP_URL: 'http://auth.example.com' }, 'ALLOW_INSECURE_HTTP');
    expectError({ ...production, APP_URL: 'http://10.0.0.5:3000' }, 'APP_URL');
    for (const url of ['http://localhost:3000', 'http://127.0.0.1:8080', 'http://[::1]:3000']) {
      expect(loadConfig({ ...production, APP_URL: url }).appUrl.href).toBe(new URL(url).href);
    }
    expect(loadConfig({ ...production, APP_URL: 'http://auth.example.com', ALLOW_INSECURE_HTTP: 'true' }).appUrl.protocol).toBe('http:');
    expectError({ ...production, APP_URL: 'http://auth.example.com', ALLOW_INSECURE_HTTP: 'yes' }, 'ALLOW_INSECURE_HTTP');
    // Development serves http on whatever host it is told.
    const dataDir = mkdtempSync(join(tmpdir(), 'config-'));
    expect(loadConfig({ DATA_DIR: dataDir, APP_URL: 'http://dev.example.com' }).appUrl.host).toBe('dev.example.com');
  });

  it('parses ADMIN_EMAIL as every other email: lower-cased, and refused when it could never sign in', () => {
    expect(loadConfig({ ...production, ADMIN_EMAIL: ' Admin@Corp.com ' }).adminEmail).toBe('admin@corp.com');
    expectError({ ...production, ADMIN_EMAIL: 'ops@corp' }, 'ADMIN_EMAIL');
    expectError({ ...production, ADMIN_EMAIL: 'not an email' }, 'ADMIN_EMAIL');
  });

  it('prints emails to the console only on a loopback HOST, unless DEV_MAILBOX_PUBLIC=true', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'config-'));
    expect(loadConfig({ DATA_DIR: dataDir }).devMailbox).toEqual({ public: false });
    for (const host of ['127.0.0.1', 'localhost', '::1']) expect(loadConfig({ DATA_DIR: dataDir, HOST: host }).devMailbox).toEqual({ public: false });
    for (const host of ['0.0.0.0', '::', '192.168.1.20']) {
      expectError({ DATA_DIR: dataDir, HOST: host }, 'DEV_MAILBOX_PUBLIC');
      expectError({ DATA_DIR: dataDir, HOST: host }, 'HOST');
    }
    expect(loadConfig({ DATA_DIR: dataDir, HOST: '0.0.0.0', DEV_MAILBOX_PUBLIC: 'true' }).devMailbox).toEqual({ public: true });
    // With Postmark there is no mailbox to expose.
    expect(loadConfig({ ...production, HOST: '0.0.0.0' }).devMailbox).toBeNull();
  });

  it('reads TRUST_PROXY as off, a hop count or addresses', () => {
    expect(loadConfig(production).trustProxy).toBe(false);
    expect(loadConfig({ ...production, TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ ...production, TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback, 10.0.0.0/8');
  });

  it('reads LOG_LEVEL and METRICS_TOKEN, refusing a short token or an unknown level by name', () => {
    expect(loadConfig(production)).toMatchObject({ logLevel: 'info', prettyLogs: false, metricsToken: null });
    expect(loadConfig({ ...production, LOG_LEVEL: 'silent', METRICS_TOKEN: 'm'.repeat(16) })).toMatchObject({ logLevel: 'silent', metricsToken: 'm'.repeat(16) });
    expectError({ ...production, METRICS_TOKEN: 'short' }, 'METRICS_TOKEN');
    expectError({ ...production, LOG_LEVEL: 'verbose' }, 'LOG_LEVEL');
  });

  it('turns the Postmark webhook on with both of its credentials, and refuses one without the other, naming the missing one', () => {
    expect(loadConfig(production).postmarkWebhook).toBeNull();
    const both = { ...production, POSTMARK_WEBHOOK_USER: 'postmark', POSTMARK_WEBHOOK_PASSWORD: 'p'.repeat(24) };
    expect(loadConfig(both).postmarkWebhook).toEqual({ user: 'postmark', password: 'p'.repeat(24) });
    expect(() => loadConfig({ ...production, POSTMARK_WEBHOOK_USER: 'postmark' })).toThrow(/POSTMARK_WEBHOOK_PASSWORD: required when POSTMARK_WEBHOOK_USER is set/);
    expect(() => loadConfig({ ...production, POSTMARK_WEBHOOK_PASSWORD: 'p'.repeat(24) })).toThrow(/POSTMARK_WEBHOOK_USER: required when POSTMARK_WEBHOOK_PASSWORD is set/);
    expectError({ ...both, POSTMARK_WEBHOOK_PASSWORD: 'short' }, 'POSTMARK_WEBHOOK_PASSWORD');
    // Both go into a URL and a Basic credential: a colon or an @ would break them.
    expectError({ ...both, POSTMARK_WEBHOOK_USER: 'post:mark' }, 'POSTMARK_WEBHOOK_USER');
    expectError({ ...both, POSTMARK_WEBHOOK_PASSWORD: `${'p'.repeat(20)}@host` }, 'POSTMARK_WEBHOOK_PASSWORD');
  });

  it('reads the new-sign-in notice settings', () => {
    expect(loadConfig(production).auth.newSignInNotice).toEqual({ enabled: true, knownForDays: 90 });
    expect(loadConfig({ ...production, NOTIFY_NEW_SIGN_IN: 'false', NOTIFY_NEW_SIGN_IN_DAYS: '30' }).auth.newSignInNotice).toEqual({ enabled: false, knownForDays: 30 });
    expectError({ ...production, NOTIFY_NEW_SIGN_IN: 'no' }, 'NOTIFY_NEW_SIGN_IN');
    expectError({ ...production, NOTIFY_NEW_SIGN_IN_DAYS: '0' }, 'NOTIFY_NEW_SIGN_IN_DAYS');
  });
});
