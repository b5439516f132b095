/**
 * What a browser may import from the auth package (`@app/auth/shared`): types and constants, with
 * no server code behind them (no database, no node: modules), so a bundler keeps them small.
 */
export type { Role, UserStatus } from '@app/db';
export { ROLES, roleIncludes } from './policies/roles';
export { AUDIT_EVENT_TYPES, type AuditEventType, USER_STATUSES } from './vocabulary';
