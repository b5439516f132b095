import { type EmailContent, escapeHtml } from './html';
import { renderFrame } from './render-email';

export { type EmailContent, escapeHtml };

/**
 * The first frame's signature, drawn in the shared frame now: `text` is the plain-text body,
 * `html` the same already escaped, `ignore` the footer line.
 * @deprecated Use `renderEmail` (render-email.ts), which takes blocks of text and escapes them.
 */
export function framedEmail(input: { appName: string; subject: string; text: string[]; html: string; ignore: string }): EmailContent {
  return renderFrame(
    { appName: input.appName, subject: input.subject, preheader: input.subject, heading: input.subject, footer: [input.ignore] },
    { html: input.html, text: input.text.join('\n') },
  );
}
