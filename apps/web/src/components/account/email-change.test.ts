import { TRPCClientError } from '@trpc/client';
import { describe, expect, it, vi } from 'vitest';
import { type EmailChangeApi, useEmailChange } from './email-change';

const ada = { id: 'u1', email: 'ada.new@example.com', role: 'user' as const, timezone: 'Europe/Berlin' };
const sent = { email: 'ada.new@example.com', codeLength: 6, expiresInSeconds: 900, resendAfterSeconds: 60 };

function refusal(reason: string, code = 'BAD_REQUEST') {
  return TRPCClientError.from({ error: { code: -32600, message: reason, data: { code, reason } } });
}

function api(overrides: Partial<EmailChangeApi> = {}): EmailChangeApi {
  return { requestChange: vi.fn(async () => sent), confirmChange: vi.fn(async () => ({ user: ada })), ...overrides };
}

describe('useEmailChange', () => {
  it('asks for a code for the new address, confirms it, and closes with what changed', async () => {
    const calls = api();
    const change = useEmailChange(calls);
    expect(change.open.value).toBe(false);
    change.start();
    change.email.value = '  Ada.New@example.com ';
    expect(await change.requestCode()).toBe(true);
    expect(calls.requestChange).toHaveBeenCalledWith({ newEmail: 'Ada.New@example.com' });
    expect(change.step.value).toBe('code');
    expect(change.notice.value).toBe('We sent a 6-digit code to ada.new@example.com. It is valid for 15 minutes.');

    change.code.value = '123 456';
    const onChanged = vi.fn(async () => {});
    expect(await change.confirm(onChanged)).toBe(true);
    expect(calls.confirmChange).toHaveBeenCalledWith({ code: '123456' });
    expect(onChanged).toHaveBeenCalledWith(ada);
    expect(change.open.value).toBe(false);
    expect(change.step.value).toBe('email');
    expect(change.email.value).toBe('');
    expect(change.changed.value).toBe(
      'Your email address is now ada.new@example.com. We emailed your old address about it and signed you out everywhere else.',
    );
    // Starting again clears the last change's message.
    change.start();
    expect(change.changed.value).toBe('');
  });

  it('says why an address or a code was refused, and keeps the form open', async () => {
    const change = useEmailChange(
      api({
        requestChange: vi.fn<EmailChangeApi['requestChange']>().mockRejectedValueOnce(refusal('same_email')).mockResolvedValue(sent),
        confirmChange: vi.fn(() => Promise.reject(refusal('invalid_or_expired_code', 'UNAUTHORIZED'))),
      }),
    );
    change.start();
    change.email.value = 'ada@example.com';
    expect(await change.requestCode()).toBe(false);
    expect(change.emailError.value).toBe('That’s already your email address. Enter the new one.');
    change.email.value = 'ada.new@example.com';
    await change.requestCode();
    change.code.value = '12345';
    expect(await change.confirm(async () => {})).toBe(false);
    expect(change.codeError.value).toBe('The code in the email has 6 digits. Please check it and try again.');
    change.code.value = '123456';
    expect(await change.confirm(async () => {})).toBe(false);
    expect(change.codeError.value).toMatch(/^That code is wrong or has expired/);
    expect(change.open.value).toBe(true);
  });

  it('cancels back to closed, forgetting the address and the code', async () => {
    const change = useEmailChange(api());
    change.start();
    change.email.value = 'ada.new@example.com';
    await change.requestCode();
    change.code.value = '1';
    change.cancel();
    expect([change.open.value, change.step.value, change.email.value, change.code.value, change.notice.value]).toEqual([false, 'email', '', '', '']);
  });
});
