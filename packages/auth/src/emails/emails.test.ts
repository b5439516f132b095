import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileFrame, GENERATED_FILE } from './frame/compile-frame';
import type { EmailContent } from './html';
import { emailChangeCodeEmail } from './email-change-code-email';
import { emailChangedByAdminEmail } from './email-changed-by-admin-email';
import { emailChangedEmail } from './email-changed-email';
import { emailInUseEmail } from './email-in-use-email';
import { emailSetByAdminEmail } from './email-set-by-admin-email';
import { invitationEmail } from './invitation-email';
import { newSignInEmail } from './new-sign-in-email';
import { codeGroups, renderEmail } from './render-email';
import { signInCodeEmail } from './sign-in-code-email';

const LINK = 'https://app.example.com/sign-in/link#abcdefghijkmnpqrstuvwxyz23456789';

/** Every email the product sends, as a test renders it, with what must be in it. */
const everyEmail: Array<{ name: string; email: EmailContent; code?: string; link?: string }> = [
  { name: 'sign-in code with link', email: signInCodeEmail({ appName: 'Acme', code: '123456', link: LINK, ttlSeconds: 900 }), code: '123456', link: LINK },
  { name: 'sign-in code without link', email: signInCodeEmail({ appName: 'Acme', code: '90817263', link: null, ttlSeconds: 600 }), code: '90817263' },
  { name: 'invitation', email: invitationEmail({ appName: 'Acme', appUrl: 'https://app.example.com/' }), link: 'https://app.example.com/sign-in' },
  { name: 'email change code', email: emailChangeCodeEmail({ appName: 'Acme', code: '654321', ttlSeconds: 900 }), code: '654321' },
  { name: 'address already in use', email: emailInUseEmail({ appName: 'Acme', appUrl: 'https://app.example.com' }), link: 'https://app.example.com/sign-in' },
  {
    name: 'email changed',
    email: emailChangedEmail({ appName: 'Acme', newEmail: 'new@example.com', at: new Date('2026-12-03T10:42:00Z'), timeZone: 'Europe/Berlin', device: 'Chrome 120 on macOS', ip: '198.51.100.4' }),
  },
  { name: 'email changed by an admin', email: emailChangedByAdminEmail({ appName: 'Acme', newEmail: 'new@example.com', at: new Date('2026-12-03T10:42:00Z'), timeZone: null }) },
  {
    name: 'new sign-in',
    email: newSignInEmail({ appName: 'Acme', appUrl: 'https://app.example.com', device: 'Firefox 128 on Linux', network: '2001:db8:1:2::/64', at: new Date('2026-12-03T10:42:00Z'), timezone: 'Asia/Tokyo' }),
    link: 'https://app.example.com/account',
  },
  { name: 'email set by an admin', email: emailSetByAdminEmail({ appName: 'Acme', appUrl: 'https://app.example.com', oldEmail: 'old@example.com' }), link: 'https://app.example.com/sign-in' },
];

/** The text a reader sees in the HTML (tags dropped, entities of the escaped characters read). */
function visibleText(html: string): string {
  const body = html.slice(html.indexOf('<body'));
  return body
    .replace(/<div style="display:none[^"]*">.*?<\/div>/s, '')
    .replace(/<!--.*?-->/gs, '')
    .replace(/<[^>]+>/g, '')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/\s+/g, ' ');
}

/** Every address the HTML could make a client fetch or follow. */
function addressesIn(html: string): string[] {
  const attributes = [...html.matchAll(/\b(?:src|href|background|srcset|action|poster|data)\s*=\s*["']([^"']*)["']/gi)].map((m) => m[1]!);
  const css = [...html.matchAll(/url\(\s*['"]?([^'")]*)/gi)].map((m) => m[1]!);
  return [...attributes, ...css];
}

describe('the email frame', () => {
  it('is compiled from frame.mjml as it stands (run `pnpm --filter @app/auth emails` after changing it)', async () => {
    expect(await compileFrame()).toBe(readFileSync(GENERATED_FILE, 'utf8'));
  });

  it.each(everyEmail)('$name: has the app name, its code and link, and loads nothing from outside', ({ email, code, link }) => {
    const text = visibleText(email.html);
    expect(text.startsWith(' Acme ')).toBe(true);
    expect(email.text.startsWith('Acme\n')).toBe(true);
    if (code) {
      // One string in the HTML's text (the groups are spaced by CSS) and a line of its own in the text part.
      expect(text).toContain(` ${code} `);
      expect(email.text.split('\n')).toContain(code);
    }
    expect(addressesIn(email.html)).toEqual(link ? [link] : []);
    if (link) expect(email.text.split('\n')).toContain(link);
    expect(email.html).not.toMatch(/<script|<link\b|@import|<img\b|<iframe|<object|<embed|<form|javascript:/i);
    // The xmlns attributes name namespaces; nothing else in the HTML is an address.
    expect(email.html.replace(/xmlns(?::\w+)?="[^"]*"/g, '').replaceAll(link ?? '\u0000', '')).not.toMatch(/https?:\/\//);
  });

  it('says how long the code and its link live, and what to do if it was not you', () => {
    const withLink = everyEmail[0]!.email;
    expect(withLink.subject).toBe('Your sign-in code for Acme');
    for (const part of [withLink.text, visibleText(withLink.html)]) {
      expect(part).toContain('The code and the link are valid for 15 minutes and can be used only once.');
      expect(part).toContain('only in the browser where you asked for the code');
      expect(part).toContain("If you didn't request this, you can safely ignore this email.");
    }
    expect(everyEmail[1]!.email.text).toContain('This code is valid for 10 minutes');
    expect(everyEmail[1]!.email.text).not.toContain('link');
  });

  it('has a hidden preheader saying what the email is', () => {
    const html = everyEmail[0]!.email.html;
    expect(html).toMatch(/<div style="display:none[^"]*">Your code to sign in to Acme, valid for 15 minutes\./);
    expect(html).toContain('<title>Your sign-in code for Acme</title>');
  });

  it('escapes every string it is given', () => {
    const email = renderEmail({
      appName: '<b>A&B</b>',
      subject: '"quoted"',
      preheader: '<i>',
      heading: "it's",
      blocks: [
        { kind: 'paragraph', text: '<script>alert(1)</script>' },
        { kind: 'button', label: '<u>', url: 'https://x.example/?a=1&b="2"' },
        { kind: 'details', rows: [{ label: '<td>', value: '</table>' }] },
      ],
      footer: ['<br>'],
    });
    expect(email.html).not.toMatch(/<b>|<script>|<i>|<u>|"quoted"/);
    for (const escaped of ['&#60;b&#62;A&#38;B&#60;/b&#62;', '&#34;quoted&#34;', '&#60;i&#62;', 'it&#39;s', '&#60;script&#62;alert(1)', '&#60;u&#62;', '&#60;td&#62;', '&#60;/table&#62;', '&#60;br&#62;']) {
      expect(email.html).toContain(escaped);
    }
    expect(email.html).toContain('href="https://x.example/?a=1&#38;b=&#34;2&#34;"');
    expect(email.text).toContain('<script>alert(1)</script>');
  });

  it('refuses a button that is not an absolute http(s) link', () => {
    const render = (url: string) => () =>
      renderEmail({ appName: 'A', subject: 's', preheader: 'p', heading: 'h', blocks: [{ kind: 'button', label: 'Go', url }], footer: [] });
    expect(render('javascript:alert(1)')).toThrow(/absolute http/);
    expect(render('/sign-in')).toThrow(/absolute http/);
    expect(render('https://ok.example/')).not.toThrow();
  });

  it.each([
    ['123456', ['123', '456']],
    ['1234567', ['1234', '567']],
    ['12345678', ['1234', '5678']],
    ['123456789', ['123', '456', '789']],
    ['1234567890', ['1234', '567', '890']],
  ])('groups %s for reading', (code, groups) => {
    expect(codeGroups(code)).toEqual(groups);
  });
});
