import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface Asset {
  file: string;
  bytes: number;
  gzipBytes: number;
}

export interface SpaResult {
  /** What a browser fetches to show /sign-in: the entry, its static imports, the route chunk and its CSS. */
  signInPage: { files: Asset[]; jsGzipBytes: number; cssGzipBytes: number };
  /** Chunks whose name says admin; they must stay out of the sign-in page. */
  adminChunks: Asset[];
  adminInSignInPage: boolean;
  /** The account page's chunk; it must stay out of the sign-in page too. */
  accountChunks: Asset[];
  accountInSignInPage: boolean;
  /** Every JS and CSS file in the build, for the record. */
  allAssets: Asset[];
}

const STATIC_IMPORT = /(?:\bfrom|\bimport)\s*["'`]\.\/([^"'`]+\.js)["'`]/g;

/**
 * Reads the built SPA (apps/web/dist): index.html names the entry and its CSS; the router's
 * `import()` for /sign-in names the route chunk, and Vite's __vite__mapDeps list names what it
 * preloads with it; static imports are followed from there. Sizes are gzip at zlib's default level.
 */
export function measureSpa(distDir: string): SpaResult {
  const assetsDir = join(distDir, 'assets');
  const read = (file: string) => readFileSync(join(assetsDir, file));
  const asset = (file: string): Asset => {
    const content = read(file);
    return { file, bytes: content.length, gzipBytes: gzipSync(content).length };
  };
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const fromHtml = [...html.matchAll(/(?:src|href)="\/assets\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);

  const files = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    if (!file.endsWith('.js')) return;
    for (const match of read(file).toString('utf8').matchAll(STATIC_IMPORT)) visit(match[1]!);
  };
  for (const file of fromHtml) visit(file);
  const entryCode = [...files].filter((f) => f.endsWith('.js')).map((f) => read(f).toString('utf8'));
  for (const file of signInRouteFiles(entryCode, readdirSync(assetsDir))) visit(file);

  const all = readdirSync(assetsDir).filter((f) => /\.(js|css)$/.test(f)).sort();
  const page = [...files].sort().map(asset);
  const sum = (ext: string) => page.filter((a) => a.file.endsWith(ext)).reduce((n, a) => n + a.gzipBytes, 0);
  return {
    signInPage: { files: page, jsGzipBytes: sum('.js'), cssGzipBytes: sum('.css') },
    adminChunks: all.filter((f) => /admin/i.test(f)).map(asset),
    adminInSignInPage: page.some((a) => /admin/i.test(a.file)),
    accountChunks: all.filter((f) => /^AccountView-/.test(f)).map(asset),
    accountInSignInPage: page.some((a) => /^AccountView-/.test(a.file)),
    allAssets: all.map(asset),
  };
}

/** The /sign-in route's lazy chunk and the files Vite preloads with it. */
function signInRouteFiles(entryCode: string[], assetFiles: string[]): string[] {
  for (const code of entryCode) {
    const route = /path:\s*["'`]\/sign-in["'`][^}]*?import\(\s*["'`]\.\/([^"'`]+\.js)["'`]\s*\)(?:\s*,\s*__vite__mapDeps\(\[([\d,\s]*)\]\))?/.exec(code);
    if (!route) continue;
    const deps = /m\.f\s*\|\|\s*\(m\.f\s*=\s*\[([^\]]*)\]\)/.exec(code)?.[1];
    const depFiles = deps ? [...deps.matchAll(/["'`]assets\/([^"'`]+)["'`]/g)].map((m) => m[1]!) : [];
    const preloaded = (route[2] ?? '')
      .split(',')
      .filter((i) => i.trim() !== '')
      .map((i) => depFiles[Number(i)])
      .filter((f): f is string => f !== undefined);
    return [route[1]!, ...preloaded];
  }
  // The router shape changed: fall back to the chunk named after the view.
  return assetFiles.filter((f) => /^SignInView-.*\.(js|css)$/.test(f));
}
