export { createDatabase, isDatabaseUnavailable, type Database, type DatabaseOptions } from './database';
export { migrateDown, migrateToLatest } from './migrate';
export type * from './schema';
