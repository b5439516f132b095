import { type EmailContent, escapeHtml, framedEmail } from './layout';
import { describeDuration } from './sign-in-code-email';

/** The email that carries the code confirming a new address for an account (sent to that address). */
export function emailChangeCodeEmail(input: { appName: string; code: string; ttlSeconds: number }): EmailContent {
  const ask = `Someone signed in to ${input.appName} asked to use this email address for their account. To confirm it, enter this code where you asked:`;
  const validity = `This code is valid for ${describeDuration(input.ttlSeconds)} and works only in the browser that asked for it.`;
  const noSharing = `Don't share this code with anyone: ${input.appName} will never ask you for it.`;
  return framedEmail({
    appName: input.appName,
    subject: `Confirm your new email address for ${input.appName}`,
    text: [ask, '', input.code, '', validity, noSharing],
    html: `<p>${escapeHtml(ask)}</p>
<p style="font-size:28px;font-weight:700;letter-spacing:6px;font-family:ui-monospace,Menlo,monospace">${escapeHtml(input.code)}</p>
<p>${escapeHtml(validity)} ${escapeHtml(noSharing)}</p>`,
    ignore: "If you didn't ask for this, ignore this email: nothing changes without the code.",
  });
}
