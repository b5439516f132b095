import { readonly, ref } from 'vue';
import { useCountdown } from '../../lib/countdown';
import { formatDuration } from '../../lib/duration';
import { describeError, messageFor, readError } from '../../lib/messages';
import type { RequestCodeResult, VerifyCodeResult } from '../../trpc';
import { isCodeShaped, normalizeCode } from './code';

/** The two calls the sign-in page makes; passed in so the flow can be tested without a server. */
export type SignInApi = {
  requestCode(input: { email: string }): Promise<RequestCodeResult>;
  verifyCode(input: { email: string; code: string; timezone: string }): Promise<VerifyCodeResult>;
};

/** The IANA zone the browser runs in, e.g. "Europe/Berlin"; the server stores it on sign-in. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/**
 * State of the sign-in page: email step, then code step with a resend countdown.
 * Every failure becomes a message from the catalogue; nothing here throws.
 */
export function useSignInFlow(api: SignInApi, timeZone: () => string = browserTimeZone) {
  const step = ref<'email' | 'code'>('email');
  const email = ref('');
  const code = ref('');
  // Digits in a code, as the API says when it sends one (AUTH_CODE_LENGTH); null until then.
  const codeLength = ref<number | null>(null);
  const notice = ref('');
  const emailError = ref('');
  const codeError = ref('');
  const sending = ref(false);
  const resending = ref(false);
  const verifying = ref(false);
  const resend = useCountdown();
  // The address the server confirmed (it may normalise case); the code is bound to it.
  let sentTo = '';
  // Bumped by changeEmail so answers to requests from the abandoned attempt are ignored.
  let attempt = 0;

  function codeSent(result: RequestCodeResult, resent: boolean) {
    sentTo = result.email;
    codeLength.value = result.codeLength;
    const digits = `${result.codeLength}-digit code`;
    const what = resent ? `a new ${digits}` : `${/^(8|1[18])\b/.test(digits) ? 'an' : 'a'} ${digits}`;
    notice.value = `We sent ${what} to ${result.email}. It is valid for ${formatDuration(result.expiresInSeconds)}.`;
    resend.start(result.resendAfterSeconds);
    code.value = '';
  }

  async function requestCode(): Promise<boolean> {
    if (sending.value || step.value !== 'email') return false;
    const current = attempt;
    emailError.value = '';
    notice.value = '';
    sending.value = true;
    try {
      const result = await api.requestCode({ email: email.value.trim() });
      if (current !== attempt) return false;
      codeSent(result, false);
      step.value = 'code';
      return true;
    } catch (err) {
      if (current === attempt) emailError.value = describeError(err);
      return false;
    } finally {
      sending.value = false;
    }
  }

  async function resendCode(): Promise<boolean> {
    if (resending.value || resend.remaining.value > 0 || step.value !== 'code') return false;
    const current = attempt;
    codeError.value = '';
    resending.value = true;
    try {
      const result = await api.requestCode({ email: sentTo });
      if (current !== attempt) return false;
      codeSent(result, true);
      return true;
    } catch (err) {
      if (current !== attempt) return false;
      const info = readError(err);
      codeError.value = messageFor(info);
      if (info.retryAfterSeconds !== undefined) resend.start(info.retryAfterSeconds);
      return false;
    } finally {
      resending.value = false;
    }
  }

  /** Checks the code; on success awaits `onVerified` (navigation) while the button stays busy. */
  async function verify(onVerified: (result: VerifyCodeResult) => Promise<void>): Promise<boolean> {
    if (verifying.value || step.value !== 'code') return false;
    const current = attempt;
    codeError.value = '';
    const normalized = normalizeCode(code.value);
    if (normalized === '') {
      codeError.value = messageFor({ reason: 'missing_code' });
      return false;
    }
    // A mistyped code need not spend one of the network's verifies.
    if (codeLength.value !== null && !isCodeShaped(normalized, codeLength.value)) {
      codeError.value = `The code in the email has ${codeLength.value} digits. Please check it and try again.`;
      return false;
    }
    verifying.value = true;
    try {
      const result = await api.verifyCode({ email: sentTo, code: normalized, timezone: timeZone() });
      if (current !== attempt) return false;
      await onVerified(result);
      return true;
    } catch (err) {
      if (current === attempt) codeError.value = describeError(err);
      return false;
    } finally {
      verifying.value = false;
    }
  }

  /** Back to the email step, keeping the typed address so it can be corrected. */
  function changeEmail() {
    attempt += 1;
    step.value = 'email';
    code.value = '';
    codeLength.value = null;
    notice.value = '';
    emailError.value = '';
    codeError.value = '';
    sentTo = '';
    resend.reset();
  }

  return {
    email,
    code,
    codeLength: readonly(codeLength),
    step: readonly(step),
    notice: readonly(notice),
    emailError: readonly(emailError),
    codeError: readonly(codeError),
    sending: readonly(sending),
    resending: readonly(resending),
    verifying: readonly(verifying),
    resendIn: resend.remaining,
    requestCode,
    resendCode,
    verify,
    changeEmail,
  };
}
