import { type AuthDeps, createAuthDeps, type Mailer } from '@app/auth';
import { createDatabase, type Database } from '@app/db';
import type { Request } from 'express';
import type { Config } from './config';
import { clientAddressReader } from './http/client-address';
import { cookieNames, type CookieNames } from './http/cookies';
import type { Logger } from './logger';
import { createConsoleMailer, type DevMailboxItem } from './mail/console-mailer';
import { createPostmarkMailer } from './mail/postmark-mailer';
import { createMetrics, type Metrics } from './observability/metrics';

/** Everything a request handler needs, built once per process. */
export interface Services {
  config: Config;
  db: Database;
  deps: AuthDeps;
  mailer: Mailer;
  /** Recent emails, when they are printed to the console instead of sent (development only). */
  devMailbox: (() => DevMailboxItem[]) | null;
  cookies: CookieNames;
  /** The request's client address, normalised (see http/client-address.ts). */
  clientIp: (req: Request) => string | null;
  log: Logger;
  /** This server's counters (one registry per server); scraped at /metrics when METRICS_TOKEN is set. */
  metrics: Metrics;
  /** Called after an email is queued, so the delivery worker sends it at once. */
  emailQueued: () => void;
}

export function authDepsFromConfig(config: Config, log: Logger, now?: () => Date): AuthDeps {
  return createAuthDeps(config.auth, { log: ({ event, ...fields }) => log.info(event, fields), ...(now ? { now } : {}) });
}

export function mailerFromConfig(config: Config, log: Logger): { mailer: Mailer; devMailbox: Services['devMailbox'] } {
  if (config.postmark) return { mailer: createPostmarkMailer(config.postmark), devMailbox: null };
  const console = createConsoleMailer({ print: (text) => log.print(text) });
  return { mailer: console, devMailbox: config.devMailbox ? () => console.recent() : null };
}

/** The services the delivery worker is made from; `Services` adds the worker's kick. */
export type BaseServices = Omit<Services, 'emailQueued'>;

export async function createServices(config: Config, log: Logger, overrides: { db?: Database; now?: () => Date } = {}): Promise<BaseServices> {
  const db = overrides.db ?? (await createDatabase(config.database));
  const { mailer, devMailbox } = mailerFromConfig(config, log);
  const deps = authDepsFromConfig(config, log, overrides.now);
  return {
    config,
    db,
    deps,
    mailer,
    devMailbox,
    cookies: cookieNames(config.appUrl),
    clientIp: clientAddressReader(log),
    log,
    metrics: createMetrics({ db, now: deps.now, processMetrics: config.metricsToken !== null }),
  };
}
