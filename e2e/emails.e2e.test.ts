import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { codeGroups, type EmailContent, invitationEmail, renderEmail, signInCodeEmail } from '@app/auth';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openPage } from './support/chromium';

/*
 * Every email drawn by Chromium at a phone's width and a desktop's, light and dark. With
 * EMAIL_SCREENSHOTS=1 the pictures are written to docs/emails/ (look at them after changing the frame).
 */
const LINK = 'https://app.example.com/sign-in/link#abcdefghijkmnpqrstuvwxyz23456789';
const emails: Array<{ name: string; email: EmailContent; code?: string }> = [
  { name: 'sign-in-code', email: signInCodeEmail({ appName: 'Acme', code: '123456', link: LINK, ttlSeconds: 900 }), code: '123456' },
  // The longest code (AUTH_CODE_LENGTH=10), without the link (AUTH_EMAIL_LINK=false).
  { name: 'sign-in-code-10-digits-no-link', email: signInCodeEmail({ appName: 'Acme', code: '1029384756', link: null, ttlSeconds: 600 }), code: '1029384756' },
  { name: 'invitation', email: invitationEmail({ appName: 'Acme', appUrl: 'https://app.example.com' }) },
  {
    // The frame's remaining blocks, as a notice email would use them.
    name: 'frame-notice-sample',
    email: renderEmail({
      appName: 'Acme',
      subject: 'A new sign-in to your Acme account',
      preheader: 'Someone signed in to your Acme account.',
      heading: 'New sign-in',
      blocks: [
        { kind: 'paragraph', text: 'Your account was just signed in to:' },
        { kind: 'details', rows: [{ label: 'When', value: '3 Dec 2026, 10:42 (Europe/Berlin)' }, { label: 'Device', value: 'Chrome 120 on macOS' }] },
        { kind: 'note', text: 'If this was you, there is nothing to do.' },
      ],
      footer: ['If this was not you, contact an administrator at once.'],
    }),
  },
];
const widths = [
  ['phone', 375],
  ['desktop', 800],
] as const;
const docs = resolve(import.meta.dirname, '../docs/emails');

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe('the emails in Chromium', () => {
  for (const { name, email, code } of emails) {
    for (const [device, width] of widths) {
      for (const colorScheme of ['light', 'dark'] as const) {
        it(`${name} at ${device} width (${width}px), ${colorScheme}: fits, loads nothing, ${code ? 'copies the code whole' : 'reads'}`, async () => {
          const { page, problems } = await openPage(browser, { viewport: { width, height: 700 }, colorScheme, deviceScaleFactor: 1 });
          const requests: string[] = [];
          page.on('request', (request) => requests.push(request.url()));
          await page.setContent(email.html, { waitUntil: 'load' });
          expect(requests).toEqual([]);
          expect(problems).toEqual([]);
          // Nothing wider than the screen: no sideways scrolling on a phone.
          expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
          expect(await page.getByText('Acme', { exact: true }).first().isVisible()).toBe(true);
          if (process.env.EMAIL_SCREENSHOTS === '1' && (colorScheme === 'light' || name === 'sign-in-code')) {
            mkdirSync(docs, { recursive: true });
            await page.screenshot({ path: resolve(docs, `${name}-${device}-${colorScheme}.png`), fullPage: true });
          }
          if (code) {
            const box = page.locator('.email-code-box');
            expect(await box.innerText()).toBe(code);
            // Grouped for reading: the step from a group's last digit to the next group's first is wider.
            const steps = await box.evaluate((element) => {
              const lefts: number[] = [];
              const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
              for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                for (let i = 0; i < (node.textContent ?? '').length; i++) {
                  const range = document.createRange();
                  range.setStart(node, i);
                  range.setEnd(node, i + 1);
                  lefts.push(range.getBoundingClientRect().left);
                }
              }
              return lefts.slice(1).map((left, i) => left - lefts[i]!);
            });
            const boundaries = codeGroups(code).slice(0, -1).map((_, i, groups) => groups.slice(0, i + 1).join('').length - 1);
            const narrowest = Math.min(...steps);
            expect(steps.flatMap((step, i) => (step > narrowest * 1.3 ? [i] : []))).toEqual(boundaries);
            // Selected by a double-click (one word) or as a whole, it copies as one string.
            await box.dblclick();
            expect(await page.evaluate(() => window.getSelection()?.toString())).toBe(code);
            await box.evaluate((element) => {
              const range = document.createRange();
              range.selectNodeContents(element);
              window.getSelection()?.removeAllRanges();
              window.getSelection()?.addRange(range);
            });
            expect(await page.evaluate(() => window.getSelection()?.toString())).toBe(code);
          }
          await page.context().close();
        });
      }
    }
  }
});
