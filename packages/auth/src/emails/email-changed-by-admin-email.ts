import { describeMoment } from './describe-moment';
import { type EmailContent, escapeHtml, framedEmail } from './layout';

/** The notice to the old address after an admin moved the account to a new one. */
export function emailChangedByAdminEmail(input: { appName: string; newEmail: string; at: Date; timeZone: string | null }): EmailContent {
  const lines = [
    `An admin of ${input.appName} changed the email address of your account to ${input.newEmail} on ${describeMoment(input.at, input.timeZone)}.`,
    'You were signed out everywhere; sign in with the new address from now on.',
    `If you didn't ask for this, contact an admin of ${input.appName}.`,
  ];
  return framedEmail({
    appName: input.appName,
    subject: `Your email address for ${input.appName} was changed`,
    text: [lines[0]!, '', lines[1]!, '', lines[2]!],
    html: lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n'),
    ignore: 'If you expected this, there is nothing more to do.',
  });
}
