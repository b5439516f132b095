import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ensureFirstAdmin, defaultDeliveryOptions, type DeliveryOptions } from '@app/auth';
import { type Database, migrateToLatest } from '@app/db';
import { createApp } from './app';
import type { Config } from './config';
import { type DeliveryWorker, startDeliveryWorker } from './delivery-worker';
import { createAppServer } from './http/app-server';
import { answerClientErrors } from './http/client-errors';
import { startHousekeepingJob } from './housekeeping-job';
import type { Logger } from './logger';
import { createServices, type Services } from './services';

export interface RunningServer {
  url: string;
  services: Services;
  worker: DeliveryWorker;
  close(): Promise<void>;
}

/** Opens the database, migrates it, makes the first admin, starts email delivery and listens. */
export async function startServer(
  config: Config,
  log: Logger,
  overrides: { db?: Database; now?: () => Date; deliveryIntervalMs?: number; delivery?: Partial<DeliveryOptions> } = {},
): Promise<RunningServer> {
  const base = await createServices(config, log, overrides);
  const applied = await migrateToLatest(base.db);
  if (applied.length > 0) log.info('database migrated', { applied });
  if (config.adminEmail) {
    const admin = await ensureFirstAdmin(base.db, config.adminEmail, base.deps.now());
    if (admin) log.info('first admin added', { email: admin.user.email });
  }

  const worker = startDeliveryWorker({
    db: base.db,
    deps: base.deps,
    mailer: base.mailer,
    log,
    metrics: base.metrics,
    ...(overrides.deliveryIntervalMs ? { intervalMs: overrides.deliveryIntervalMs } : {}),
    ...(overrides.delivery ? { options: { ...defaultDeliveryOptions, ...overrides.delivery } } : {}),
  });
  const services: Services = { ...base, emailQueued: worker.kick };
  const housekeeping = startHousekeepingJob({ db: services.db, now: services.deps.now, retention: config.retention, log });

  const app = createApp(services);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = createAppServer(app);
    s.once('error', reject);
    s.listen(config.port, config.host, () => {
      s.off('error', reject);
      resolve(s);
    });
  });
  // Keep-alive longer than typical proxies' idle timeouts, so they never reuse a closed socket.
  server.keepAliveTimeout = 65_000;
  answerClientErrors(server);
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  let closing: Promise<void> | null = null;
  return {
    url,
    services,
    worker,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await worker.stop();
        await housekeeping.stop();
        if (!overrides.db) await services.db.destroy();
      })();
      return closing;
    },
  };
}
