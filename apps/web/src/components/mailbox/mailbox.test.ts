import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import type { MailboxItem } from '../../trpc';
import { devOnlyMessage, formatMailTime, mailboxErrorMessage, sortNewestFirst } from './mailbox';

function mail(id: string, createdAt: string): MailboxItem {
  return { id, to: 'ada@example.com', subject: 'Your sign-in code', text: '123456', createdAt };
}

function serverError(data: Record<string, unknown>) {
  return TRPCClientError.from({ error: { code: -32600, message: 'x', data } });
}

describe('sortNewestFirst', () => {
  it('puts the newest email first, whatever order the server used', () => {
    const items = [
      mail('a', '2025-11-26T14:00:00.000Z'),
      mail('c', '2025-11-26T16:00:00.000Z'),
      mail('b', '2025-11-26T15:00:00.000Z'),
    ];
    expect(sortNewestFirst(items).map((item) => item.id)).toEqual(['c', 'b', 'a']);
  });

  it('compares instants, not strings, across time-zone offsets', () => {
    const items = [mail('earlier', '2025-11-26T15:30:00+02:00'), mail('later', '2025-11-26T14:00:00Z')];
    expect(sortNewestFirst(items).map((item) => item.id)).toEqual(['later', 'earlier']);
  });

  it('leaves the input untouched', () => {
    const items = [mail('a', '2025-01-01T00:00:00Z'), mail('b', '2025-01-02T00:00:00Z')];
    sortNewestFirst(items);
    expect(items.map((item) => item.id)).toEqual(['a', 'b']);
  });
});

describe('mailboxErrorMessage', () => {
  it('explains that the mailbox is development-only when the server forbids it', () => {
    expect(mailboxErrorMessage(serverError({ code: 'FORBIDDEN', reason: 'forbidden' }))).toBe(devOnlyMessage);
  });

  it('says the same when the procedure does not exist', () => {
    expect(mailboxErrorMessage(serverError({ code: 'NOT_FOUND' }))).toBe(devOnlyMessage);
  });

  it('uses the catalogue for other failures', () => {
    expect(mailboxErrorMessage(TRPCClientError.from(new TypeError('Failed to fetch')))).toContain(
      'couldn’t reach the server',
    );
  });
});

describe('formatMailTime', () => {
  it('shows date and time in the given zone', () => {
    expect(formatMailTime('2025-11-26T14:31:05Z', { locale: 'en-GB', timeZone: 'UTC' })).toBe(
      '26 Nov 2025, 14:31:05',
    );
  });

  it('shows the raw value rather than "Invalid Date"', () => {
    expect(formatMailTime('yesterday')).toBe('yesterday');
  });
});
