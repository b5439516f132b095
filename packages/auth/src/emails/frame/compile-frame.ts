import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import mjml2html from 'mjml';

/** Where the compiled frame is kept: committed, so the request path never runs MJML. */
export const GENERATED_FILE = fileURLToPath(new URL('./frame.generated.ts', import.meta.url));
const SOURCE_FILE = fileURLToPath(new URL('./frame.mjml', import.meta.url));

export const BLOCK_KINDS = ['paragraph', 'note', 'code', 'button', 'details'] as const;

/** Splits `html` at `marker` (an HTML comment), which must occur exactly once. */
function splitAt(html: string, marker: string): [string, string] {
  const parts = html.split(`<!--${marker}-->`);
  if (parts.length !== 2) throw new Error(`frame.mjml: <!--${marker}--> must occur once, found ${parts.length - 1}`);
  return [parts[0]!, parts[1]!];
}

/**
 * Compiles frame.mjml with MJML and cuts the result into the frame (with `{{blocks}}`), each
 * block's rows and the details block's row, returned as the source of frame.generated.ts.
 */
export async function compileFrame(): Promise<string> {
  const result = await mjml2html(readFileSync(SOURCE_FILE, 'utf8'), {
    validationLevel: 'strict',
    // MJML links Google Fonts for font names it knows (Roboto is in the system stack): none.
    fonts: {},
    keepComments: true,
    minify: true,
  });
  if (result.errors.length > 0) throw new Error(`frame.mjml: ${result.errors.map((e) => e.formattedMessage).join('; ')}`);
  const [head, rest] = splitAt(result.html, 'blocks');
  const [catalogue, tail] = splitAt(rest, 'end');
  const blocks: Record<string, string> = {};
  let remaining = catalogue;
  for (const [i, kind] of BLOCK_KINDS.entries()) {
    const [before, after] = splitAt(remaining, `block:${kind}`);
    if (before.trim() !== '') throw new Error(`frame.mjml: unexpected markup before <!--block:${kind}-->`);
    const next = BLOCK_KINDS[i + 1];
    const [body, others] = next ? [after.slice(0, after.indexOf(`<!--block:${next}-->`)), after.slice(after.indexOf(`<!--block:${next}-->`))] : [after, ''];
    blocks[kind] = body;
    remaining = others;
  }
  const [rowsBefore, rowAndAfter] = splitAt(blocks.details!, 'row');
  const [row, rowsAfter] = splitAt(rowAndAfter, '/row');
  blocks.details = `${rowsBefore}{{rows}}${rowsAfter}`;
  const lines = [
    '// Generated from frame.mjml by `pnpm --filter @app/auth emails` (MJML); do not edit by hand.',
    `export const FRAME_HTML = ${JSON.stringify(`${head}{{blocks}}${tail}`)};`,
    '',
    'export const BLOCK_HTML = {',
    ...BLOCK_KINDS.map((kind) => `  ${kind}: ${JSON.stringify(blocks[kind])},`),
    '} as const;',
    '',
    `export const DETAILS_ROW_HTML = ${JSON.stringify(row)};`,
    '',
  ];
  return lines.join('\n');
}
