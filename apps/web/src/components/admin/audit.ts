import type { AuditEventType } from '@app/auth/shared';
import type { LocationQuery } from 'vue-router';
import type { AuditListInput } from '../../trpc';

/** Every event type the audit log records, with the words the filter and table show. */
export const auditTypeLabels = {
  code_requested: 'Code requested',
  email_sent: 'Email sent',
  email_failed: 'Email failed',
  sign_in_succeeded: 'Signed in',
  sign_in_failed: 'Sign-in failed',
  attempt_voided: 'Attempt voided',
  requests_refused: 'Requests refused',
  signed_out: 'Signed out',
  session_revoked: 'Session revoked',
  user_invited: 'User invited',
  role_changed: 'Role changed',
  user_deactivated: 'User deactivated',
  user_reactivated: 'User reactivated',
  user_removed: 'User removed',
  email_changed: 'Email changed',
  email_change_failed: 'Email change failed',
  email_delivered: 'Email delivered',
  email_bounced: 'Email bounced',
  email_complained: 'Spam complaint',
  email_subscription_changed: 'Email subscription changed',
  email_suppression_lifted: 'Email suppression lifted',
} as const satisfies Record<AuditEventType, string>;

function isAuditType(value: unknown): value is AuditEventType {
  return typeof value === 'string' && Object.hasOwn(auditTypeLabels, value);
}

/** "Role changed" for `role_changed`; a type this build does not know yet is still readable. */
export function auditTypeLabel(type: string): string {
  if (isAuditType(type)) return auditTypeLabels[type];
  const words = type.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The audit page's filters live in its URL, so a link from the users page can set them. */
export type AuditFilters = { type: AuditEventType | ''; userId: string };

function single(value: LocationQuery[string] | undefined): string {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

/** The filters a URL asks for; an unknown type or a repeated parameter does not break the page. */
export function auditFiltersFromQuery(query: LocationQuery): AuditFilters {
  const type = single(query.type);
  return { type: isAuditType(type) ? type : '', userId: single(query.userId).trim() };
}

/** The URL query for the filters, without empty parameters. */
export function auditQuery(filters: AuditFilters): Record<string, string> {
  return {
    ...(filters.type ? { type: filters.type } : {}),
    ...(filters.userId ? { userId: filters.userId } : {}),
  };
}

export const AUDIT_PAGE_SIZE = 50;

/** The `admin.audit.list` input for the filters and page. */
export function auditListInput(filters: AuditFilters, cursor?: string): AuditListInput {
  return { ...auditQuery(filters), ...(cursor ? { cursor } : {}), limit: AUDIT_PAGE_SIZE };
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

// `emailSent` and `email_sent` both read "email sent".
function describeKey(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replaceAll('_', ' ')
    .toLowerCase();
}

/**
 * An event's extra facts as short "key: value" lines, e.g. `from: user`, `email sent: true`, in
 * alphabetical order: the database keeps its own order, which puts "to" before "from".
 */
export function auditDetails(data: Record<string, unknown>): string[] {
  return Object.entries(data)
    .map(([key, value]) => `${describeKey(key)}: ${describeValue(value)}`)
    .sort((a, b) => a.localeCompare(b, 'en'));
}
