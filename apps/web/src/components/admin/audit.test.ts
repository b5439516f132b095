import { describe, expect, it } from 'vitest';
import {
  AUDIT_PAGE_SIZE,
  auditDetails,
  auditFiltersFromQuery,
  auditListInput,
  auditQuery,
  auditTypeLabel,
} from './audit';

describe('auditTypeLabel', () => {
  it('has words for each type', () => {
    expect(auditTypeLabel('role_changed')).toBe('Role changed');
    expect(auditTypeLabel('sign_in_succeeded')).toBe('Signed in');
  });

  it('still reads well for a type added later', () => {
    expect(auditTypeLabel('passkey_added')).toBe('Passkey added');
  });

  it('is not fooled by Object.prototype keys', () => {
    expect(auditTypeLabel('toString')).toBe('ToString');
  });
});

describe('auditFiltersFromQuery', () => {
  it('reads a known type and the user from the URL', () => {
    expect(auditFiltersFromQuery({ type: 'user_invited', userId: 'u-1' })).toEqual({ type: 'user_invited', userId: 'u-1' });
  });

  it('ignores an unknown type and missing values', () => {
    expect(auditFiltersFromQuery({ type: 'drop_table' })).toEqual({ type: '', userId: '' });
    expect(auditFiltersFromQuery({ type: null, userId: null })).toEqual({ type: '', userId: '' });
  });

  it('takes the first of repeated parameters', () => {
    expect(auditFiltersFromQuery({ userId: ['u-1', 'u-2'] })).toEqual({ type: '', userId: 'u-1' });
  });
});

describe('auditQuery and auditListInput', () => {
  it('leave out empty filters', () => {
    expect(auditQuery({ type: '', userId: '' })).toEqual({});
    expect(auditListInput({ type: '', userId: '' })).toEqual({ limit: AUDIT_PAGE_SIZE });
  });

  it('pass the filters and the cursor', () => {
    expect(auditQuery({ type: 'role_changed', userId: 'u-1' })).toEqual({ type: 'role_changed', userId: 'u-1' });
    expect(auditListInput({ type: 'role_changed', userId: 'u-1' }, 'c-2')).toEqual({
      type: 'role_changed',
      userId: 'u-1',
      cursor: 'c-2',
      limit: AUDIT_PAGE_SIZE,
    });
  });
});

describe('auditDetails', () => {
  it('lists the facts as readable lines, in a stable order whatever the database did', () => {
    expect(auditDetails({ to: 'admin', from: 'user' })).toEqual(['from: user', 'to: admin']);
    expect(auditDetails({ kind: 'sign_in', resend: false, attempts: 3, reason: null })).toEqual([
      'attempts: 3',
      'kind: sign_in',
      'reason: –',
      'resend: false',
    ]);
  });

  it('spells out nested values and turns keys into words', () => {
    expect(auditDetails({ send_email: true, roles: ['a'] })).toEqual(['roles: ["a"]', 'send email: true']);
    expect(auditDetails({ emailSent: false, sessionsRevoked: 2 })).toEqual(['email sent: false', 'sessions revoked: 2']);
  });

  it('is empty for no facts', () => {
    expect(auditDetails({})).toEqual([]);
  });
});
