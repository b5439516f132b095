import type { EmailContent } from './html';
import { renderEmail } from './render-email';
import { describeDuration } from './sign-in-code-email';

/** The email that carries the code confirming a new address for an account (sent to that address). */
export function emailChangeCodeEmail(input: { appName: string; code: string; ttlSeconds: number }): EmailContent {
  const { appName } = input;
  const duration = describeDuration(input.ttlSeconds);
  return renderEmail({
    appName,
    subject: `Confirm your new email address for ${appName}`,
    preheader: `Your code to confirm this address for ${appName}, valid for ${duration}.`,
    heading: 'Confirm your new email address',
    blocks: [
      { kind: 'paragraph', text: `Someone signed in to ${appName} asked to use this email address for their account. To confirm it, enter this code where you asked:` },
      { kind: 'code', code: input.code },
      {
        kind: 'paragraph',
        text: `This code is valid for ${duration} and works only in the browser that asked for it. Don't share this code with anyone: ${appName} will never ask you for it.`,
      },
    ],
    footer: ["If you didn't ask for this, ignore this email: nothing changes without the code."],
  });
}
