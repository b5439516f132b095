export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The frame every email shares, in text and HTML: the greeting, the email's own lines, a line for
 * whoever did not expect it, and the sign-off. `html` is already escaped; the rest is escaped here.
 */
export function framedEmail(input: { appName: string; subject: string; text: string[]; html: string; ignore: string }): EmailContent {
  const text = ['Hey there,', '', ...input.text, '', input.ignore, '', `The ${input.appName} team`].join('\n');
  const html = `<!doctype html>
<html><body style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1f2937;line-height:1.5">
<p>Hey there,</p>
${input.html}
<p style="color:#6b7280">${escapeHtml(input.ignore)}</p>
<p>The ${escapeHtml(input.appName)} team</p>
</body></html>`;
  return { subject: input.subject, text, html };
}
