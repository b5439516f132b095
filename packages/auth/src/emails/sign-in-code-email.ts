import type { EmailContent } from './html';
import { type EmailBlock, renderEmail } from './render-email';

export function describeDuration(seconds: number): string {
  if (seconds % 3600 === 0) return seconds === 3600 ? '1 hour' : `${seconds / 3600} hours`;
  if (seconds % 60 === 0) return seconds === 60 ? '1 minute' : `${seconds / 60} minutes`;
  return `${seconds} seconds`;
}

/** The email that carries a sign-in code and, unless links are off, the one-click link beside it. */
export function signInCodeEmail(input: { appName: string; code: string; link: string | null; ttlSeconds: number }): EmailContent {
  const { appName, link } = input;
  const duration = describeDuration(input.ttlSeconds);
  const validity = `${link ? 'The code and the link are' : 'This code is'} valid for ${duration} and can be used only once.`;
  // Against real-time phishing: a fake site can only use the code if the person hands it over.
  const noSharing = `Don't share this code with anyone: ${appName} will never ask you for it.`;
  const button: EmailBlock[] = link
    ? [
        { kind: 'button', label: `Sign in to ${appName}`, url: link },
        { kind: 'note', text: 'The link signs you in only in the browser where you asked for the code.' },
      ]
    : [];
  return renderEmail({
    appName,
    subject: `Your sign-in code for ${appName}`,
    preheader: `Your code to sign in to ${appName}, valid for ${duration}.`,
    heading: 'Your sign-in code',
    blocks: [
      { kind: 'paragraph', text: `Enter this code on the ${appName} sign-in page:` },
      { kind: 'code', code: input.code },
      ...button,
      { kind: 'paragraph', text: `${validity} ${noSharing}` },
    ],
    footer: ["If you didn't request this, you can safely ignore this email."],
  });
}
