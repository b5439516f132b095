import { TRPCClientError } from '@trpc/client';
import { describe, expect, it, vi } from 'vitest';
import type { VerifyLinkResult } from '../../trpc';
import { type SignInLinkApi, tokenFromHash, useSignInLink } from './sign-in-link';

function reasonError(reason: string) {
  return TRPCClientError.from({ error: { code: -32600, message: reason, data: { code: 'FORBIDDEN', reason } } });
}

const verified: VerifyLinkResult = { user: { id: 'u1', email: 'ada@example.com', role: 'user', timezone: 'Europe/Berlin' } };
const TOKEN = 'abcdefghijkmnpqrstuvwxyz23456789';

function setup(hash = `#${TOKEN}`) {
  const order: string[] = [];
  const api = {
    verifyLink: vi.fn<SignInLinkApi['verifyLink']>(async () => {
      order.push('verifyLink');
      return verified;
    }),
  };
  const clearHash = vi.fn(async () => void order.push('clearHash'));
  const page = useSignInLink(api, { hash, clearHash }, () => 'Europe/Berlin');
  return { api, clearHash, order, page };
}

describe('tokenFromHash', () => {
  it('reads the token after the #', () => {
    expect(tokenFromHash(`#${TOKEN}`)).toBe(TOKEN);
    expect(tokenFromHash('#')).toBeNull();
    expect(tokenFromHash('')).toBeNull();
  });
});

describe('the sign-in link page', () => {
  it('drops the fragment from the address bar before sending the token', async () => {
    const { api, clearHash, order, page } = setup();
    expect(clearHash).toHaveBeenCalledOnce();
    const onVerified = vi.fn(async () => {});
    expect(await page.verify(onVerified)).toBe(true);
    expect(order).toEqual(['clearHash', 'verifyLink']);
    expect(api.verifyLink).toHaveBeenCalledWith({ token: TOKEN, timezone: 'Europe/Berlin' });
    expect(onVerified).toHaveBeenCalledWith(verified);
  });

  it('explains another browser in a state of its own, with nothing to retry', async () => {
    const { api, page } = setup();
    api.verifyLink.mockRejectedValueOnce(reasonError('wrong_browser'));
    expect(await page.verify(async () => {})).toBe(false);
    expect(page.state.value).toBe('wrong_browser');
    expect(page.error.value).toContain('works only in the browser where the code was requested');
    expect(page.canRetry.value).toBe(false);
  });

  it('says a used or expired link is dead, with nothing to retry', async () => {
    const { api, page } = setup();
    api.verifyLink.mockRejectedValueOnce(reasonError('invalid_or_expired_link'));
    expect(await page.verify(async () => {})).toBe(false);
    expect(page.state.value).toBe('failed');
    expect(page.error.value).toContain('expired or was already used');
    expect(page.canRetry.value).toBe(false);
  });

  it('offers a retry after a network failure, with the token it still holds', async () => {
    const { api, page } = setup();
    api.verifyLink.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    expect(await page.verify(async () => {})).toBe(false);
    expect(page.canRetry.value).toBe(true);
    expect(await page.verify(async () => {})).toBe(true);
    expect(api.verifyLink).toHaveBeenLastCalledWith({ token: TOKEN, timezone: 'Europe/Berlin' });
  });

  it('sends nothing without a token', async () => {
    const { api, page } = setup('');
    expect(await page.verify(async () => {})).toBe(false);
    expect(api.verifyLink).not.toHaveBeenCalled();
    expect(page.state.value).toBe('failed');
    expect(page.error.value).toContain('the link was not complete');
  });

  it('makes one call at a time', async () => {
    const { api, page } = setup();
    const first = page.verify(async () => {});
    expect(await page.verify(async () => {})).toBe(false);
    await first;
    expect(api.verifyLink).toHaveBeenCalledOnce();
  });
});
