import { BLOCK_HTML, DETAILS_ROW_HTML, FRAME_HTML } from './frame/frame.generated';
import { type EmailContent, escapeHtml } from './html';

/** One piece of an email's body, in the order it is read. */
export type EmailBlock =
  | { kind: 'paragraph'; text: string }
  /** Smaller, muted text: a hint under a button, a reassurance. */
  | { kind: 'note'; text: string }
  /** A code to type: large, in groups for reading ("123 456"), copied as one string. */
  | { kind: 'code'; code: string }
  /** The email's one action; `url` must be absolute http(s). */
  | { kind: 'button'; label: string; url: string }
  /** Facts in two columns, e.g. the time and device of a change. */
  | { kind: 'details'; rows: ReadonlyArray<{ label: string; value: string }> };

export interface EmailFrameInput {
  appName: string;
  subject: string;
  /** The line inboxes show beside the subject; hidden in the body. */
  preheader: string;
  heading: string;
  blocks: readonly EmailBlock[];
  /** Muted lines under the card, e.g. "If you didn't request this, you can safely ignore this email." */
  footer: readonly string[];
}

/**
 * Renders an email in the frame every email shares: the app's name at the top, a card with the
 * heading and the blocks, the footer lines beneath; and a plain-text part that says the same.
 * Every string given is text (escaped here), never HTML.
 *
 * The HTML is MJML's (frame/frame.mjml, compiled ahead of time into frame.generated.ts): table
 * layout, inline styles, a dark-mode stylesheet, no external images, fonts or scripts. Rendering is
 * string substitution only, cheap enough for the sign-in path.
 *
 * ```ts
 * renderEmail({
 *   appName: 'Acme', subject: 'Your email address was changed', preheader: 'Your Acme account now uses new@example.com.',
 *   heading: 'Your email address was changed',
 *   blocks: [{ kind: 'paragraph', text: '…' }, { kind: 'details', rows: [{ label: 'When', value: '3 Dec 2026, 10:42 UTC' }] }],
 *   footer: ['If this was not you, contact an administrator at once.'],
 * });
 * ```
 */
export function renderEmail(input: EmailFrameInput): EmailContent {
  return renderFrame(input, { html: input.blocks.map(blockHtml).join(''), text: input.blocks.map(blockText).join('\n\n') });
}

/** The frame around a body already rendered. */
function renderFrame(input: Omit<EmailFrameInput, 'blocks'>, body: { html: string; text: string }): EmailContent {
  const html = fill(frame, {
    subject: escapeHtml(input.subject),
    // Filler after the preheader keeps inboxes from running the body's first words into the preview.
    preheader: escapeHtml(input.preheader) + PREVIEW_FILLER,
    appName: escapeHtml(input.appName),
    heading: escapeHtml(input.heading),
    blocks: body.html,
    footer: input.footer.map(escapeHtml).join('<br>'),
  });
  const text = [input.appName, input.heading, body.text, ...input.footer].join('\n\n');
  return { subject: input.subject, text: `${text}\n`, html };
}

/** A code split for reading: 6 digits as 3 + 3, 8 as 4 + 4, 7 as 4 + 3, 10 as 4 + 3 + 3. */
export function codeGroups(code: string): string[] {
  const count = Math.ceil(code.length / 4);
  const groups: string[] = [];
  let start = 0;
  for (let i = 0; i < count; i++) {
    const size = Math.ceil((code.length - start) / (count - i));
    groups.push(code.slice(start, start + size));
    start += size;
  }
  return groups;
}

const PREVIEW_FILLER = '&#847;&zwnj;&nbsp;'.repeat(30);

/**
 * The gap between groups is letter-spacing on each group's last digit, not a space: a copy, a
 * double-click or a screen reader gets the code as one string, and clients that drop the
 * spacing still show every digit.
 */
function groupedCodeHtml(code: string): string {
  const groups = codeGroups(code);
  return groups
    .map((group, i) => {
      if (i === groups.length - 1) return escapeHtml(group);
      return `${escapeHtml(group.slice(0, -1))}<span style="letter-spacing:0.5em">${escapeHtml(group.slice(-1))}</span>`;
    })
    .join('');
}

function blockHtml(block: EmailBlock): string {
  switch (block.kind) {
    case 'paragraph':
    case 'note':
      return fill(blocks[block.kind], { text: escapeHtml(block.text) });
    case 'code':
      return fill(blocks.code, { code: groupedCodeHtml(block.code) });
    case 'button':
      if (!/^https?:\/\/[^\s]+$/.test(block.url)) throw new Error('an email button needs an absolute http(s) URL');
      return fill(blocks.button, { url: escapeHtml(block.url), label: escapeHtml(block.label) });
    case 'details':
      return fill(blocks.details, { rows: block.rows.map((row) => fill(detailsRow, { label: escapeHtml(row.label), value: escapeHtml(row.value) })).join('') });
  }
}

function blockText(block: EmailBlock): string {
  switch (block.kind) {
    case 'paragraph':
    case 'note':
      return block.text;
    case 'code':
      // On a line of its own and in one piece, so it can be copied (and found by tests and tools).
      return block.code;
    case 'button':
      return `${block.label}:\n${block.url}`;
    case 'details':
      return block.rows.map((row) => `${row.label}: ${row.value}`).join('\n');
  }
}

/** A compiled HTML string cut at its `{{name}}` placeholders once, at module load. */
interface Template {
  literals: string[];
  names: string[];
}

function template(html: string): Template {
  const pieces = html.split(/\{\{(\w+)\}\}/);
  return { literals: pieces.filter((_, i) => i % 2 === 0), names: pieces.filter((_, i) => i % 2 === 1) };
}

function fill(t: Template, values: Readonly<Record<string, string>>): string {
  let out = t.literals[0]!;
  t.names.forEach((name, i) => {
    const value = values[name];
    if (value === undefined) throw new Error(`email template: no value for {{${name}}}`);
    out += value + t.literals[i + 1]!;
  });
  return out;
}

const frame = template(FRAME_HTML);
const blocks = {
  paragraph: template(BLOCK_HTML.paragraph),
  note: template(BLOCK_HTML.note),
  code: template(BLOCK_HTML.code),
  button: template(BLOCK_HTML.button),
  details: template(BLOCK_HTML.details),
} satisfies Record<EmailBlock['kind'], Template>;
const detailsRow = template(DETAILS_ROW_HTML);
