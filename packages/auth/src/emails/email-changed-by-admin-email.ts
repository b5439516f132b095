import { describeMoment } from './describe-moment';
import type { EmailContent } from './html';
import { renderEmail } from './render-email';

/** The notice to the old address after an admin moved the account to a new one. */
export function emailChangedByAdminEmail(input: { appName: string; newEmail: string; at: Date; timeZone: string | null }): EmailContent {
  const { appName } = input;
  return renderEmail({
    appName,
    subject: `Your email address for ${appName} was changed`,
    preheader: `An admin moved your ${appName} account to ${input.newEmail}.`,
    heading: 'Your email address was changed',
    blocks: [
      { kind: 'paragraph', text: `An admin of ${appName} changed the email address of your account to ${input.newEmail}.` },
      { kind: 'details', rows: [{ label: 'When', value: describeMoment(input.at, input.timeZone) }] },
      { kind: 'paragraph', text: 'You were signed out everywhere; sign in with the new address from now on.' },
      { kind: 'paragraph', text: `If you didn't ask for this, contact an admin of ${appName}.` },
    ],
    footer: ['If you expected this, there is nothing more to do.'],
  });
}
