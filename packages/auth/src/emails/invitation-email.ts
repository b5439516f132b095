import type { EmailContent } from './html';
import { renderEmail } from './render-email';

/** The email that tells someone an admin invited them, and where to sign in (no code: they ask for one). */
export function invitationEmail(input: { appName: string; appUrl: string }): EmailContent {
  const { appName } = input;
  const signInUrl = `${input.appUrl.replace(/\/+$/, '')}/sign-in`;
  return renderEmail({
    appName,
    subject: `You have been invited to ${appName}`,
    preheader: `Sign in to ${appName} with this email address: no password needed.`,
    heading: `You're invited to ${appName}`,
    blocks: [
      { kind: 'paragraph', text: `You have been invited to ${appName}. Sign in with this email address: we will email you a code, no password needed.` },
      { kind: 'button', label: `Sign in to ${appName}`, url: signInUrl },
    ],
    footer: ["If you didn't expect this invitation, you can safely ignore this email."],
  });
}
