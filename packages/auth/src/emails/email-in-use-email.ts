import { type EmailContent, escapeHtml, framedEmail } from './layout';

/**
 * Sent instead of a code when someone asks to move their account to an address that already has
 * one: the address's owner learns of it, the asker learns nothing (they see the same answer as for
 * a free address), and there is no code to type.
 */
export function emailInUseEmail(input: { appName: string; appUrl: string }): EmailContent {
  const signInUrl = `${input.appUrl.replace(/\/+$/, '')}/sign-in`;
  const lines = [
    `Someone signed in to ${input.appName} asked to use this email address for their account. This address already belongs to an account, so nothing was changed and no code was sent.`,
    `If it was you: you already have an account with this address, and you can sign in with it at ${signInUrl}.`,
  ];
  return framedEmail({
    appName: input.appName,
    subject: `Someone tried to use your email address on ${input.appName}`,
    text: [lines[0]!, '', lines[1]!],
    html: lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n'),
    ignore: 'If it was not you, you need not do anything: your account is unchanged.',
  });
}
