import { type EmailContent, escapeHtml, framedEmail } from './layout';

/** The email that tells someone an admin invited them, and where to sign in (no code: they ask for one). */
export function invitationEmail(input: { appName: string; appUrl: string }): EmailContent {
  const signInUrl = `${input.appUrl.replace(/\/+$/, '')}/sign-in`;
  const app = escapeHtml(input.appName);
  const url = escapeHtml(signInUrl);
  return framedEmail({
    appName: input.appName,
    subject: `You have been invited to ${input.appName}`,
    text: [
      `You have been invited to ${input.appName}.`,
      '',
      `Sign in at ${signInUrl} with this email address: we will email you a code, no password needed.`,
    ],
    html: `<p>You have been invited to ${app}.</p>
<p><a href="${url}">Sign in at ${url}</a> with this email address: we will email you a code, no password needed.</p>`,
    ignore: "If you didn't expect this invitation, you can safely ignore this email.",
  });
}
