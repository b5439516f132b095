import { describe, expect, it } from 'vitest';
import { testUser } from './test-user';
import { deliveryView, describeReport, PAGE_SIZE, prependUser, replaceUser, sessionCount, userListInput, withoutUser } from './users';

describe('userListInput', () => {
  it('sends only the filters that are set', () => {
    expect(userListInput({ search: '', role: '', status: '', delivery: '' })).toEqual({ limit: PAGE_SIZE });
  });

  it('trims the search and passes role, status and cursor', () => {
    expect(userListInput({ search: '  ada ', role: 'admin', status: 'invited', delivery: 'bouncing' }, 'next-1')).toEqual({
      search: 'ada',
      role: 'admin',
      status: 'invited',
      delivery: 'bouncing',
      cursor: 'next-1',
      limit: PAGE_SIZE,
    });
  });

  it('does not search for blanks', () => {
    expect(userListInput({ search: '   ', role: '', status: 'deactivated', delivery: '' })).toEqual({
      status: 'deactivated',
      limit: PAGE_SIZE,
    });
  });
});

describe('list changes', () => {
  const items = [testUser('a'), testUser('b'), testUser('c')];

  it('replaces the changed user in place', () => {
    const changed = testUser('b', { role: 'admin' });
    const next = replaceUser(items, changed);
    expect(next.map((u) => u.role)).toEqual(['user', 'admin', 'user']);
    expect(items[1]?.role).toBe('user');
  });

  it('removes a user', () => {
    expect(withoutUser(items, 'b').map((u) => u.id)).toEqual(['a', 'c']);
  });

  it('puts an invited user on top, once', () => {
    expect(prependUser(items, testUser('new')).map((u) => u.id)).toEqual(['new', 'a', 'b', 'c']);
    expect(prependUser(items, testUser('c')).map((u) => u.id)).toEqual(['c', 'a', 'b']);
  });
});

describe('sessionCount', () => {
  it.each([
    [0, '0 sessions'],
    [1, '1 session'],
    [2, '2 sessions'],
  ])('%d → %s', (count, words) => {
    expect(sessionCount(count)).toBe(words);
  });
});

describe('deliveryView', () => {
  const none = testUser('a').delivery;
  const at = (iso: string) => `at ${iso.slice(11, 16)}`;

  it('says nothing was reported for an address no email event is known for', () => {
    expect(deliveryView(none, at)).toEqual({ label: 'No reports', tone: 'none', detail: null, suppressed: false });
  });

  it('shows the last delivery', () => {
    expect(deliveryView({ ...none, lastDeliveredAt: '2026-12-03T09:00:00.000Z' }, at)).toEqual({ label: 'Delivered', tone: 'ok', detail: 'at 09:00', suppressed: false });
  });

  it('shows a bounce since the last delivery with its type, and not one that a later delivery followed', () => {
    const bounced = { ...none, lastDeliveredAt: '2026-12-03T09:00:00.000Z', lastBouncedAt: '2026-12-03T10:00:00.000Z', bounceType: 'SoftBounce' };
    expect(deliveryView(bounced, at)).toEqual({ label: 'Bounced', tone: 'warning', detail: 'soft bounce, at 10:00', suppressed: false });
    expect(deliveryView({ ...bounced, lastDeliveredAt: '2026-12-03T11:00:00.000Z' }, at).label).toBe('Delivered');
  });

  it('shows a spam complaint', () => {
    expect(deliveryView({ ...none, complainedAt: '2026-12-03T10:00:00.000Z' }, at)).toMatchObject({ label: 'Spam complaint', tone: 'error' });
  });

  it('puts a suppression first, with its reason, and lets it be lifted', () => {
    const suppressed = { ...none, lastBouncedAt: '2026-12-03T10:00:00.000Z', bounceType: 'HardBounce', suppressedAt: '2026-12-03T10:00:01.000Z', suppressionReason: 'HardBounce' };
    expect(deliveryView(suppressed, at)).toEqual({ label: 'Suppressed', tone: 'error', detail: 'hard bounce, at 10:00', suppressed: true });
  });

  it('words known report types, and splits unknown ones into words', () => {
    expect(describeReport('InactiveRecipient')).toBe('refused: inactive recipient');
    expect(describeReport('DMARCPolicy')).toBe('refused by the sender’s DMARC policy');
    expect(describeReport('VirusNotification')).toBe('virus notification');
    expect(describeReport('TemplateRenderingFailed')).toBe('template rendering failed');
    expect(describeReport('toString')).toBe('to string');
    expect(describeReport(null)).toBe('unknown reason');
  });
});
