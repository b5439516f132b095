import { ConfigError, loadConfig } from './config';
import { createLogger, type Logger } from './logger';
import { startServer } from './server';

let log: Logger | null = null;
try {
  const config = loadConfig();
  log = createLogger({ level: config.logLevel, pretty: config.prettyLogs });
  const server = await startServer(config, log);
  log.info('server listening', {
    url: server.url,
    appUrl: config.appUrl.origin,
    database: config.database.url ? 'postgres' : `embedded (${config.database.dataDir})`,
    email: config.postmark ? 'postmark' : 'console',
  });
  if (!config.isProduction) {
    process.stdout.write(
      `\n  Open ${config.appUrl.origin}/sign-in and sign in as ${config.adminEmail ?? 'an admin'} (ADMIN_EMAIL).\n` +
        `  Sign-in codes are printed here and listed at ${config.appUrl.origin}/dev/mailbox.\n\n`,
    );
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log?.info('shutting down', { signal });
      void server.close().then(() => process.exit(0));
    });
  }
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else if (log) {
    log.error('start-up failed', { error: error instanceof Error ? error.stack : String(error) });
  } else {
    process.stderr.write(`start-up failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  }
  process.exit(1);
}
