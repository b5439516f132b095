import { type EmailContent, escapeHtml, framedEmail } from './layout';

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

/** "Thursday 3 December 2026 at 14:05 (Europe/Berlin)": the moment in the reader's own time zone. */
export function describeMoment(at: Date, timezone: string | null): string {
  const zone = timezone ?? 'UTC';
  const text = new Intl.DateTimeFormat('en-GB', { timeZone: zone, dateStyle: 'full', timeStyle: 'short' }).format(at);
  return `${text} (${zone})`;
}

/**
 * The email that tells someone their account was just signed in to from a device and network it
 * has not been used from lately, and where to sign every device out if it was not them.
 */
export function newSignInEmail(facts: NewSignInFacts): EmailContent {
  const accountUrl = `${facts.appUrl.replace(/\/+$/, '')}/account`;
  const when = describeMoment(facts.at, facts.timezone);
  const lines: Array<[string, string]> = [
    ['Device', facts.device],
    ['Network', `${facts.network} (approximate)`],
    ['Time', when],
  ];
  const notYou = `If this wasn't you, sign out everywhere at ${accountUrl} right away: that ends every session, including the one just started. Then check who can read your email.`;
  return framedEmail({
    appName: facts.appName,
    subject: `New sign-in to ${facts.appName}`,
    text: [
      `Someone just signed in to your ${facts.appName} account from a device or network it hasn't been used from recently:`,
      '',
      ...lines.map(([label, value]) => `${label}: ${value}`),
      '',
      notYou,
    ],
    html: `<p>Someone just signed in to your ${escapeHtml(facts.appName)} account from a device or network it hasn't been used from recently:</p>
<table role="presentation" style="border-collapse:collapse">
${lines.map(([label, value]) => `<tr><th align="left" style="padding:2px 12px 2px 0;font-weight:600">${escapeHtml(label)}</th><td style="padding:2px 0">${escapeHtml(value)}</td></tr>`).join('\n')}
</table>
<p>If this wasn't you, <a href="${escapeHtml(accountUrl)}">sign out everywhere</a> right away: that ends every session, including the one just started. Then check who can read your email.</p>`,
    ignore: 'If this was you, you can safely ignore this email.',
  });
}
