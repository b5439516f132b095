import type { EmailContent } from './html';
import { renderEmail } from './render-email';

/**
 * Sent instead of a code when someone asks to move their account to an address that already has
 * one: the address's owner learns of it, the asker learns nothing (they see the same answer as for
 * a free address), and there is no code to type.
 */
export function emailInUseEmail(input: { appName: string; appUrl: string }): EmailContent {
  const { appName } = input;
  return renderEmail({
    appName,
    subject: `Someone tried to use your email address on ${appName}`,
    preheader: `Nothing was changed: this address already belongs to your ${appName} account.`,
    heading: 'Someone tried to use your email address',
    blocks: [
      {
        kind: 'paragraph',
        text: `Someone signed in to ${appName} asked to use this email address for their account. This address already belongs to an account, so nothing was changed and no code was sent.`,
      },
      { kind: 'paragraph', text: 'If it was you: you already have an account with this address, and you can sign in with it.' },
      { kind: 'button', label: `Sign in to ${appName}`, url: `${input.appUrl.replace(/\/+$/, '')}/sign-in` },
    ],
    footer: ['If it was not you, you need not do anything: your account is unchanged.'],
  });
}
