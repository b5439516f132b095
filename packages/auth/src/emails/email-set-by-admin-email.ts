import { type EmailContent, escapeHtml, framedEmail } from './layout';

/** The notice to the new address after an admin moved an account to it: where to sign in now. */
export function emailSetByAdminEmail(input: { appName: string; appUrl: string; oldEmail: string }): EmailContent {
  const signInUrl = `${input.appUrl.replace(/\/+$/, '')}/sign-in`;
  const url = escapeHtml(signInUrl);
  const changed = `An admin of ${input.appName} made this the email address of your account (it was ${input.oldEmail}).`;
  const signIn = `Sign in at ${signInUrl} with this address: we will email you a code, no password needed.`;
  return framedEmail({
    appName: input.appName,
    subject: `Your ${input.appName} account now uses this email address`,
    text: [changed, '', signIn],
    html: `<p>${escapeHtml(changed)}</p>
<p><a href="${url}">Sign in at ${url}</a> with this address: we will email you a code, no password needed.</p>`,
    ignore: `If you don't know ${input.appName}, contact its admins or ignore this email.`,
  });
}
