import { describeMoment } from './describe-moment';
import type { EmailContent } from './html';
import { renderEmail } from './render-email';

/**
 * The notice to the old address after a person moved their account to a new one: when, from which
 * device, and what to do if it was not them (their sessions elsewhere were ended; an admin can
 * give the account back its address).
 */
export function emailChangedEmail(input: { appName: string; newEmail: string; at: Date; timeZone: string | null; device: string; ip: string | null }): EmailContent {
  const { appName } = input;
  return renderEmail({
    appName,
    subject: `Your email address for ${appName} was changed`,
    preheader: `Your ${appName} account now uses ${input.newEmail}.`,
    heading: 'Your email address was changed',
    blocks: [
      { kind: 'paragraph', text: `The email address of your ${appName} account was changed to ${input.newEmail}.` },
      {
        kind: 'details',
        rows: [
          { label: 'When', value: describeMoment(input.at, input.timeZone) },
          { label: 'Device', value: input.device },
          ...(input.ip ? [{ label: 'IP address', value: input.ip }] : []),
        ],
      },
      { kind: 'paragraph', text: 'You will sign in with the new address from now on; every other session of the account was signed out.' },
      { kind: 'paragraph', text: `If this wasn't you, contact an admin of ${appName} right away: they can give the account back this address.` },
    ],
    footer: ['If it was you, there is nothing more to do.'],
  });
}
