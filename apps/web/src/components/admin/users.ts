import type { Role } from '../../lib/access';
import { formatDateTime } from '../../lib/datetime';
import type { AdminUser, UserListInput } from '../../trpc';

import type { UserStatus } from '@app/auth/shared';

export type { UserStatus };

/** Users whose address is suppressed, or bounced or complained since its last delivery. */
export type DeliveryFilter = 'bouncing';

/** What the filters above the users table hold; '' means "any". */
export type UserFilters = { search: string; role: Role | ''; status: UserStatus | ''; delivery: DeliveryFilter | '' };

export const deliveryFilterLabels: Record<DeliveryFilter, string> = { bouncing: 'Email bounces' };

export const roleLabels: Record<Role, string> = { admin: 'Admin', user: 'User' };
export const statusLabels: Record<UserStatus, string> = {
  invited: 'Invited',
  active: 'Active',
  deactivated: 'Deactivated',
};

export const PAGE_SIZE = 25;

/** The `admin.users.list` input for the filters: trimmed search, and nothing sent for "any". */
export function userListInput(filters: UserFilters, cursor?: string): UserListInput {
  const search = filters.search.trim();
  return {
    ...(search ? { search } : {}),
    ...(filters.role ? { role: filters.role } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.delivery ? { delivery: filters.delivery } : {}),
    ...(cursor ? { cursor } : {}),
    limit: PAGE_SIZE,
  };
}

/** The list with one user swapped for the server's newer copy. */
export function replaceUser(items: readonly AdminUser[], user: AdminUser): AdminUser[] {
  return items.map((item) => (item.id === user.id ? user : item));
}

/** The list without the user with `id`. */
export function withoutUser(items: readonly AdminUser[], id: string): AdminUser[] {
  return items.filter((item) => item.id !== id);
}

/** A just-invited user on top, where the admin is looking. */
export function prependUser(items: readonly AdminUser[], user: AdminUser): AdminUser[] {
  return [user, ...withoutUser(items, user.id)];
}

/** "1 session", "3 sessions". */
export function sessionCount(count: number): string {
  return count === 1 ? '1 session' : `${count} sessions`;
}

// Postmark's bounce types (and the product's own suppression reasons) as an admin reads them.
const REPORT_WORDS: Partial<Record<string, string>> = {
  HardBounce: 'hard bounce',
  SoftBounce: 'soft bounce',
  Transient: 'temporary failure',
  DnsError: 'DNS error',
  BadEmailAddress: 'bad address',
  ManuallyDeactivated: 'deactivated at the provider',
  SpamNotification: 'rejected as spam',
  SpamComplaint: 'spam complaint',
  Blocked: 'blocked by the recipient’s provider',
  Unsubscribe: 'unsubscribed',
  ManualSuppression: 'suppressed by hand',
  InactiveRecipient: 'refused: inactive recipient',
  DMARCPolicy: 'refused by the sender’s DMARC policy',
};

/** "hard bounce" for `HardBounce`; a type this build does not know is split into words. */
export function describeReport(type: string | null): string {
  if (!type) return 'unknown reason';
  const known = Object.hasOwn(REPORT_WORDS, type) ? REPORT_WORDS[type] : undefined;
  return known ?? type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** How a user's email delivery reads in the table. */
export type DeliveryView = {
  label: string;
  tone: 'ok' | 'warning' | 'error' | 'none';
  /** What and when, e.g. "hard bounce, 3 Dec 2026, 14:05"; null when nothing was reported. */
  detail: string | null;
  /** An admin can lift it. */
  suppressed: boolean;
};

/**
 * The latest thing the provider said about the address: suppressed (no email goes to it), a
 * complaint or bounce since the last delivery, the last delivery, or nothing yet.
 */
export function deliveryView(delivery: AdminUser['delivery'], when: (iso: string) => string = formatDateTime): DeliveryView {
  const { suppressedAt, suppressionReason, lastBouncedAt, bounceType, complainedAt, lastDeliveredAt } = delivery;
  if (suppressedAt) return { label: 'Suppressed', tone: 'error', detail: `${describeReport(suppressionReason)}, ${when(suppressedAt)}`, suppressed: true };
  // ISO strings in UTC sort as the moments they name.
  const since = (iso: string | null) => iso !== null && (lastDeliveredAt === null || iso > lastDeliveredAt);
  if (complainedAt && since(complainedAt) && (!lastBouncedAt || complainedAt >= lastBouncedAt)) {
    return { label: 'Spam complaint', tone: 'error', detail: when(complainedAt), suppressed: false };
  }
  if (lastBouncedAt && since(lastBouncedAt)) return { label: 'Bounced', tone: 'warning', detail: `${describeReport(bounceType)}, ${when(lastBouncedAt)}`, suppressed: false };
  if (lastDeliveredAt) return { label: 'Delivered', tone: 'ok', detail: when(lastDeliveredAt), suppressed: false };
  return { label: 'No reports', tone: 'none', detail: null, suppressed: false };
}
