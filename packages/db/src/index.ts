export { createDatabase, isDatabaseUnavailable, isUniqueViolation, type Database, type DatabaseOptions, type Executor } from './database';
export { migrateDown, migrateToLatest } from './migrate';
export { PreparedStatementsUnsupportedError } from './prepared-statements';
export type * from './schema';
