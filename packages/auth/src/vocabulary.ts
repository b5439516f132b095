import type { UserStatus } from '@app/db';

/*
 * The product's closed lists, shared with the browser through `@app/auth/shared`: this file
 * imports nothing at run time, so the API's input checks, the auth package's types and the SPA's
 * labels all derive from one list and a new entry is asked for everywhere by the compiler.
 */

/** Every kind of audit row, in the order a person meets them. */
export const AUDIT_EVENT_TYPES = [
  'code_requested',
  'email_sent',
  'email_failed',
  'sign_in_succeeded',
  'sign_in_failed',
  'attempt_voided',
  'requests_refused',
  'signed_out',
  'session_revoked',
  'user_invited',
  'role_changed',
  'user_deactivated',
  'user_reactivated',
  'user_removed',
  'email_changed',
  'email_change_failed',
  'email_delivered',
  'email_bounced',
  'email_complained',
  'email_subscription_changed',
  'email_suppression_lifted',
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

export const USER_STATUSES = ['invited', 'active', 'deactivated'] as const satisfies readonly UserStatus[];
