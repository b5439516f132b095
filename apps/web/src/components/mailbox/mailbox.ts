import { describeError, readError } from '../../lib/messages';
import type { MailboxItem } from '../../trpc';

export const devOnlyMessage = 'The dev mailbox is only available in development.';

/** Newest first; the server's order is not relied on. ISO timestamps compare correctly as numbers. */
export function sortNewestFirst(items: readonly MailboxItem[]): MailboxItem[] {
  return [...items].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}

/** Production answers `forbidden` (or the procedure is missing entirely): say so plainly. */
export function mailboxErrorMessage(err: unknown): string {
  const { reason, code } = readError(err);
  const devOnly = reason === 'forbidden' || reason === 'not_found' || code === 'NOT_FOUND';
  return devOnly ? devOnlyMessage : describeError(err);
}

/** "26 Nov 2025, 14:31:05" in the viewer's zone; the raw value if it is not a date. */
export function formatMailTime(iso: string, options: { locale?: string; timeZone?: string } = {}): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(options.locale, {
    dateStyle: 'medium',
    timeStyle: 'medium',
    timeZone: options.timeZone,
  }).format(date);
}
