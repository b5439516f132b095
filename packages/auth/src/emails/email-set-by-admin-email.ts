import type { EmailContent } from './html';
import { renderEmail } from './render-email';

/** The notice to the new address after an admin moved an account to it: where to sign in now. */
export function emailSetByAdminEmail(input: { appName: string; appUrl: string; oldEmail: string }): EmailContent {
  const { appName } = input;
  return renderEmail({
    appName,
    subject: `Your ${appName} account now uses this email address`,
    preheader: `Sign in to ${appName} with this address from now on.`,
    heading: 'Your account now uses this address',
    blocks: [
      { kind: 'paragraph', text: `An admin of ${appName} made this the email address of your account (it was ${input.oldEmail}).` },
      { kind: 'paragraph', text: 'Sign in with this address: we will email you a code, no password needed.' },
      { kind: 'button', label: `Sign in to ${appName}`, url: `${input.appUrl.replace(/\/+$/, '')}/sign-in` },
    ],
    footer: [`If you don't know ${appName}, contact its admins or ignore this email.`],
  });
}
