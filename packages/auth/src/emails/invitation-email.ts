import { type EmailContent, escapeHtml } from './sign-in-code-email';

/** The email that tells someone an admin invited them, and where to sign in (no code: they ask for one). */
export function invitationEmail(input: { appName: string; appUrl: string }): EmailContent {
  const signInUrl = `${input.appUrl.replace(/\/+$/, '')}/sign-in`;
  const ignore = "If you didn't expect this invitation, you can safely ignore this email.";
  const text = [
    'Hey there,',
    '',
    `You have been invited to ${input.appName}.`,
    '',
    `Sign in at ${signInUrl} with this email address: we will email you a code, no password needed.`,
    '',
    ignore,
    '',
    `The ${input.appName} team`,
  ].join('\n');
  const app = escapeHtml(input.appName);
  const url = escapeHtml(signInUrl);
  const html = `<!doctype html>
<html><body style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1f2937;line-height:1.5">
<p>Hey there,</p>
<p>You have been invited to ${app}.</p>
<p><a href="${url}">Sign in at ${url}</a> with this email address: we will email you a code, no password needed.</p>
<p style="color:#6b7280">${escapeHtml(ignore)}</p>
<p>The ${app} team</p>
</body></html>`;
  return { subject: `You have been invited to ${input.appName}`, text, html };
}
