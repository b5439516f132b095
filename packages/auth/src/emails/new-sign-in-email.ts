import { describeMoment } from './describe-moment';
import type { EmailContent } from './html';
import { renderEmail } from './render-email';

export interface NewSignInFacts {
  appName: string;
  appUrl: string;
  /** "Chrome 120 on macOS" (describeDevice). */
  device: string;
  /** The client's network: an IPv4 address, or an IPv6 /64. */
  network: string;
  at: Date;
  /** The user's own IANA time zone; UTC when unknown. */
  timezone: string | null;
}

/**
 * The email that tells someone their account was just signed in to from a device and network it
 * has not been used from lately, and where to sign every device out if it was not them.
 */
export function newSignInEmail(facts: NewSignInFacts): EmailContent {
  const { appName } = facts;
  const accountUrl = `${facts.appUrl.replace(/\/+$/, '')}/account`;
  return renderEmail({
    appName,
    subject: `New sign-in to ${appName}`,
    preheader: `Your ${appName} account was signed in to from ${facts.device}.`,
    heading: 'New sign-in to your account',
    blocks: [
      { kind: 'paragraph', text: `Someone just signed in to your ${appName} account from a device or network it hasn't been used from recently:` },
      {
        kind: 'details',
        rows: [
          { label: 'Device', value: facts.device },
          { label: 'Network', value: `${facts.network} (approximate)` },
          { label: 'Time', value: describeMoment(facts.at, facts.timezone) },
        ],
      },
      {
        kind: 'paragraph',
        text: "If this wasn't you, sign out everywhere on your account page right away: that ends every session, including the one just started. Then check who can read your email.",
      },
      { kind: 'button', label: 'Sign out everywhere', url: accountUrl },
    ],
    footer: ['If this was you, you can safely ignore this email.'],
  });
}
