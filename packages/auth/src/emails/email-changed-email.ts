import { describeMoment } from './describe-moment';
import { type EmailContent, escapeHtml, framedEmail } from './layout';

/**
 * The notice to the old address after a person moved their account to a new one: when, from which
 * device, and what to do if it was not them (their sessions elsewhere were ended; an admin can
 * give the account back its address).
 */
export function emailChangedEmail(input: { appName: string; newEmail: string; at: Date; timeZone: string | null; device: string; ip: string | null }): EmailContent {
  const where = input.ip ? `${input.device}, IP address ${input.ip}` : input.device;
  const lines = [
    `The email address of your ${input.appName} account was changed to ${input.newEmail}.`,
    `When: ${describeMoment(input.at, input.timeZone)}`,
    `From: ${where}`,
    'You will sign in with the new address from now on; every other session of the account was signed out.',
    `If this wasn't you, contact an admin of ${input.appName} right away: they can give the account back this address.`,
  ];
  return framedEmail({
    appName: input.appName,
    subject: `Your email address for ${input.appName} was changed`,
    text: [lines[0]!, '', lines[1]!, lines[2]!, '', lines[3]!, '', lines[4]!],
    html: `<p>${escapeHtml(lines[0]!)}</p>
<p>${escapeHtml(lines[1]!)}<br>${escapeHtml(lines[2]!)}</p>
<p>${escapeHtml(lines[3]!)}</p>
<p><strong>${escapeHtml(lines[4]!)}</strong></p>`,
    ignore: 'If it was you, there is nothing more to do.',
  });
}
