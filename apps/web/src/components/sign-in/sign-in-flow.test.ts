import { TRPCClientError } from '@trpc/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RequestCodeResult, VerifyCodeResult } from '../../trpc';
import { useSignInFlow } from './sign-in-flow';
import type { SignInApi } from './sign-in-flow';

function reasonError(reason: string, extra: Record<string, unknown> = {}) {
  return TRPCClientError.from({ error: { code: -32600, message: reason, data: { code: 'BAD_REQUEST', reason, ...extra } } });
}

const sent: RequestCodeResult = { email: 'ada@example.com', codeLength: 6, expiresInSeconds: 900, resendAfterSeconds: 60 };
const verified: VerifyCodeResult = {
  user: { id: 'u1', email: 'ada@example.com', role: 'user', timezone: 'Europe/Berlin' },
};

function setup() {
  const api = {
    requestCode: vi.fn<SignInApi['requestCode']>().mockResolvedValue(sent),
    verifyCode: vi.fn<SignInApi['verifyCode']>().mockResolvedValue(verified),
  };
  const flow = useSignInFlow(api, () => 'Europe/Berlin');
  return { api, flow };
}

async function toCodeStep(flow: ReturnType<typeof setup>['flow']) {
  flow.email.value = ' Ada@Example.com ';
  expect(await flow.requestCode()).toBe(true);
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('requesting a code', () => {
  it('sends the trimmed email and moves to the code step with a notice', async () => {
    const { api, flow } = setup();
    await toCodeStep(flow);

    expect(api.requestCode).toHaveBeenCalledWith({ email: 'Ada@Example.com' });
    expect(flow.step.value).toBe('code');
    expect(flow.notice.value).toBe('We sent a 6-digit code to ada@example.com. It is valid for 15 minutes.');
    expect(flow.resendIn.value).toBe(60);
  });

  it('is busy while sending and ignores a second submit', async () => {
    const { api, flow } = setup();
    const first = flow.requestCode();
    expect(flow.sending.value).toBe(true);
    expect(await flow.requestCode()).toBe(false);
    await first;
    expect(flow.sending.value).toBe(false);
    expect(api.requestCode).toHaveBeenCalledTimes(1);
  });

  it('shows the server reason in words and stays on the email step', async () => {
    const { api, flow } = setup();
    api.requestCode.mockRejectedValueOnce(reasonError('not_registered'));
    flow.email.value = 'stranger@example.com';

    expect(await flow.requestCode()).toBe(false);
    expect(flow.step.value).toBe('email');
    expect(flow.emailError.value).toContain('invite-only');
  });

  it('says how long to wait when rate limited', async () => {
    const { api, flow } = setup();
    api.requestCode.mockRejectedValueOnce(reasonError('rate_limited', { retryAfterSeconds: 42 }));

    await flow.requestCode();
    expect(flow.emailError.value).toBe('Please wait 42 seconds before trying again.');
  });
});

describe('resending', () => {
  it('is blocked until the countdown reaches zero', async () => {
    const { api, flow } = setup();
    await toCodeStep(flow);

    expect(await flow.resendCode()).toBe(false);
    vi.advanceTimersByTime(59_000);
    expect(flow.resendIn.value).toBe(1);
    vi.advanceTimersByTime(1_000);
    expect(flow.resendIn.value).toBe(0);

    expect(await flow.resendCode()).toBe(true);
    expect(api.requestCode).toHaveBeenLastCalledWith({ email: 'ada@example.com' });
    expect(flow.notice.value).toBe('We sent a new 6-digit code to ada@example.com. It is valid for 15 minutes.');
    expect(flow.resendIn.value).toBe(60);
  });

  it('restarts the countdown from retryAfterSeconds when rate limited', async () => {
    const { api, flow } = setup();
    await toCodeStep(flow);
    vi.advanceTimersByTime(60_000);
    api.requestCode.mockRejectedValueOnce(reasonError('rate_limited', { retryAfterSeconds: 42 }));

    expect(await flow.resendCode()).toBe(false);
    expect(flow.codeError.value).toBe('Please wait 42 seconds before trying again.');
    expect(flow.resendIn.value).toBe(42);
  });
});

describe('verifying', () => {
  it('sends the confirmed email, the code without separators and the browser time zone', async () => {
    const { api, flow } = setup();
    await toCodeStep(flow);
    flow.code.value = '123 456';
    const onVerified = vi.fn(async () => {});

    expect(await flow.verify(onVerified)).toBe(true);
    expect(api.verifyCode).toHaveBeenCalledWith({ email: 'ada@example.com', code: '123456', timezone: 'Europe/Berlin' });
    expect(onVerified).toHaveBeenCalledWith(verified);
  });

  it('stays busy until navigation has finished', async () => {
    const { flow } = setup();
    await toCodeStep(flow);
    flow.code.value = '123456';
    let finishNavigation = () => {};
    const navigation = new Promise<void>((resolve) => (finishNavigation = resolve));

    const pending = flow.verify(() => navigation);
    await vi.waitFor(() => expect(flow.verifying.value).toBe(true));
    finishNavigation();
    await pending;
    expect(flow.verifying.value).toBe(false);
  });

  it('asks for the code instead of sending an empty one', async () => {
    const { api, flow } = setup();
    await toCodeStep(flow);
    flow.code.value = ' - ';

    expect(await flow.verify(async () => {})).toBe(false);
    expect(flow.codeError.value).toBe('Please enter the code from the email.');
    expect(api.verifyCode).not.toHaveBeenCalled();
  });

  it('says how many digits the code has, from the API, instead of sending one of another shape', async () => {
    const { api, flow } = setup();
    api.requestCode.mockResolvedValue({ ...sent, codeLength: 8 });
    await toCodeStep(flow);
    expect(flow.codeLength.value).toBe(8);
    expect(flow.notice.value).toBe('We sent an 8-digit code to ada@example.com. It is valid for 15 minutes.');

    for (const typed of ['123456', '1234 56789', '1234567a']) {
      flow.code.value = typed;
      expect(await flow.verify(async () => {})).toBe(false);
      expect(flow.codeError.value).toBe('The code in the email has 8 digits. Please check it and try again.');
    }
    expect(api.verifyCode).not.toHaveBeenCalled();

    flow.code.value = '1234-5678';
    expect(await flow.verify(async () => {})).toBe(true);
    expect(api.verifyCode).toHaveBeenCalledWith({ email: 'ada@example.com', code: '12345678', timezone: 'Europe/Berlin' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await flow.resendCode()).toBe(true);
    expect(flow.notice.value).toBe('We sent a new 8-digit code to ada@example.com. It is valid for 15 minutes.');
  });

  it('explains a wrong or expired code', async () => {
    const { api, flow } = setup();
    await toCodeStep(flow);
    flow.code.value = '000000';
    api.verifyCode.mockRejectedValueOnce(reasonError('invalid_or_expired_code'));
    const onVerified = vi.fn(async () => {});

    expect(await flow.verify(onVerified)).toBe(false);
    expect(flow.codeError.value).toContain('wrong or has expired');
    expect(onVerified).not.toHaveBeenCalled();
  });

  it('explains a failure after verifying (e.g. the session could not be loaded)', async () => {
    const { flow } = setup();
    await toCodeStep(flow);
    flow.code.value = '123456';

    expect(await flow.verify(() => Promise.reject(new TypeError('Failed to fetch')))).toBe(false);
    expect(flow.codeError.value).toContain('couldn’t reach the server');
  });
});

describe('using a different email', () => {
  it('returns to the email step with the address kept and the rest cleared', async () => {
    const { flow } = setup();
    await toCodeStep(flow);
    flow.code.value = '12';

    flow.changeEmail();
    expect(flow.step.value).toBe('email');
    expect(flow.email.value).toBe(' Ada@Example.com ');
    expect(flow.code.value).toBe('');
    expect(flow.notice.value).toBe('');
    expect(flow.resendIn.value).toBe(0);
  });

  it('ignores a resend answer that arrives after switching back', async () => {
    const { api, flow } = setup();
    await toCodeStep(flow);
    vi.advanceTimersByTime(60_000);
    let answer = (_value: RequestCodeResult) => {};
    api.requestCode.mockReturnValueOnce(new Promise((resolve) => (answer = resolve)));

    const pending = flow.resendCode();
    flow.changeEmail();
    answer(sent);
    await pending;
    expect(flow.step.value).toBe('email');
    expect(flow.notice.value).toBe('');
  });
});
