import { describe, expect, it, vi } from 'vitest';
import { announceSignIn, onSignInElsewhere } from './sign-in-broadcast';

describe('the sign-in broadcast between tabs', () => {
  it('reaches the listening tabs until they stop listening', async () => {
    const heard = vi.fn();
    const stop = onSignInElsewhere(heard);
    announceSignIn();
    await vi.waitFor(() => expect(heard).toHaveBeenCalledOnce());
    stop();
    const later = vi.fn();
    const stopLater = onSignInElsewhere(later);
    announceSignIn();
    await vi.waitFor(() => expect(later).toHaveBeenCalledOnce());
    stopLater();
    expect(heard).toHaveBeenCalledOnce();
  });
});
