import { TRPCClientError } from '@trpc/client';
import { describe, expect, it, vi } from 'vitest';
import { useSignOut } from './sign-out';

describe('useSignOut', () => {
  it('is busy until signed out and away, and cannot be sent twice', async () => {
    let finish!: () => void;
    const signOut = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const signedOut = vi.fn(async () => {});
    const flow = useSignOut(signOut, signedOut);
    const first = flow.signOut();
    expect(flow.busy.value).toBe(true);
    expect(await flow.signOut()).toBe(false);
    finish();
    expect(await first).toBe(true);
    expect(flow.busy.value).toBe(false);
    expect(signOut).toHaveBeenCalledTimes(1);
    expect(signedOut).toHaveBeenCalledTimes(1);
  });

  it('says what went wrong and stays signed in', async () => {
    const refused = TRPCClientError.from({ error: { message: 'x', code: -32600, data: { code: 'SERVICE_UNAVAILABLE', reason: 'unavailable' } } });
    const signedOut = vi.fn(async () => {});
    const flow = useSignOut(() => Promise.reject(refused), signedOut);
    expect(await flow.signOut()).toBe(false);
    expect(flow.error.value).toBe('The service is temporarily unavailable. Please try again in a few minutes.');
    expect(signedOut).not.toHaveBeenCalled();
  });
});
