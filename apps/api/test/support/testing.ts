/*
 * What code outside the API (the browser tests in e2e/, the bench) may use of it: the server, its
 * config and logger, and test support that runs without vitest. Import it as `@app/api/testing`,
 * never by a relative path into apps/api; the vitest-only part is `@app/api/testing/vitest`.
 */
export { loadConfig } from '../../src/config';
export { readCookies } from '../../src/http/cookies';
export { createLogger } from '../../src/logger';
export { type RunningServer, startServer } from '../../src/server';
export { freePort } from './free-port';
export { type PgBouncer, pgbouncerMissing, startPgBouncer } from './pgbouncer';
export { openProcessDatabase, type ProcessDatabase } from './process-database';
