import { type EmailContent, escapeHtml, framedEmail } from './layout';

export function describeDuration(seconds: number): string {
  if (seconds % 3600 === 0) return seconds === 3600 ? '1 hour' : `${seconds / 3600} hours`;
  if (seconds % 60 === 0) return seconds === 60 ? '1 minute' : `${seconds / 60} minutes`;
  return `${seconds} seconds`;
}

/** The email that carries a sign-in code. */
export function signInCodeEmail(input: { appName: string; code: string; ttlSeconds: number }): EmailContent {
  const validity = `This code is valid for ${describeDuration(input.ttlSeconds)} and can be used only once.`;
  // Against real-time phishing: a fake site can only use the code if the person hands it over.
  const noSharing = `Don't share this code with anyone: ${input.appName} will never ask you for it.`;
  return framedEmail({
    appName: input.appName,
    subject: `Your sign-in code for ${input.appName}`,
    text: [`Use this code to sign in to ${input.appName}:`, '', input.code, '', validity, noSharing],
    html: `<p>Use this code to sign in to ${escapeHtml(input.appName)}:</p>
<p style="font-size:28px;font-weight:700;letter-spacing:6px;font-family:ui-monospace,Menlo,monospace">${escapeHtml(input.code)}</p>
<p>${escapeHtml(validity)} ${escapeHtml(noSharing)}</p>`,
    ignore: "If you didn't request this, you can safely ignore this email.",
  });
}
