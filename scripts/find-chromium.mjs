// Where a Chromium for the browser tests is, on Linux and macOS. Used by ensure-chromium.mjs (before
// the tests) and e2e/support/chromium.ts (to launch it). Plain JavaScript: it runs before any build.
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * What the search looks at, so tests can give it a fake file system.
 * @typedef {{
 *   env: Record<string, string | undefined>;
 *   platform: string;
 *   homedir: string;
 *   exists: (path: string) => boolean;
 *   list: (dir: string) => string[];
 * }} Host
 */

/** @returns {Host} */
export function realHost() {
  return {
    env: process.env,
    platform: process.platform,
    homedir: homedir(),
    exists: existsSync,
    list: (dir) => {
      try {
        return readdirSync(dir);
      } catch {
        return [];
      }
    },
  };
}

/** @param {Host} host */
function systemBrowsers(host) {
  if (host.platform === 'darwin') {
    const apps = ['Chromium.app/Contents/MacOS/Chromium', 'Google Chrome.app/Contents/MacOS/Google Chrome'];
    return [...apps.map((a) => join('/Applications', a)), ...apps.map((a) => join(host.homedir, 'Applications', a))];
  }
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome-stable', '/usr/bin/google-chrome', '/opt/google/chrome/chrome', '/snap/bin/chromium'];
}

/**
 * Where `playwright-core install` puts browsers (its own rule: PLAYWRIGHT_BROWSERS_PATH, else the user cache).
 * @param {Host} host
 */
export function playwrightCache(host) {
  if (host.env.PLAYWRIGHT_BROWSERS_PATH) return host.env.PLAYWRIGHT_BROWSERS_PATH;
  if (host.platform === 'darwin') return join(host.homedir, 'Library/Caches/ms-playwright');
  return join(host.env.XDG_CACHE_HOME || join(host.homedir, '.cache'), 'ms-playwright');
}

// Inside chromium-<revision>/ and chromium_headless_shell-<revision>/, old and new layouts.
const PLAYWRIGHT_EXECUTABLES = {
  linux: [
    'chrome-linux64/chrome',
    'chrome-linux-arm64/chrome',
    'chrome-linux/chrome',
    'chrome-headless-shell-linux64/chrome-headless-shell',
    'chrome-headless-shell-linux-arm64/chrome-headless-shell',
    'chrome-linux/headless_shell',
  ],
  darwin: [
    'chrome-mac-arm64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing',
    'chrome-mac-x64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing',
    'chrome-mac/Chromium.app/Contents/MacOS/Chromium',
    'chrome-headless-shell-mac-arm64/chrome-headless-shell',
    'chrome-headless-shell-mac-x64/chrome-headless-shell',
    'chrome-mac/headless_shell',
  ],
};

/**
 * Playwright-managed Chromium builds, full browsers before headless shells, newest revision first.
 * @param {Host} host
 */
function playwrightBrowsers(host) {
  const cache = playwrightCache(host);
  const revision = (/** @type {string} */ dir) => Number(/-(\d+)$/.exec(dir)?.[1] ?? -1);
  const dirs = host
    .list(cache)
    .filter((d) => /^chromium(_headless_shell)?-\d+$/.test(d))
    .sort((a, b) => Number(a.includes('headless')) - Number(b.includes('headless')) || revision(b) - revision(a));
  const executables = host.platform === 'darwin' ? PLAYWRIGHT_EXECUTABLES.darwin : PLAYWRIGHT_EXECUTABLES.linux;
  return dirs.flatMap((d) => executables.map((e) => join(cache, d, e)));
}

/**
 * The Chromium to use: CHROMIUM_PATH when set (and only it), else the first one found among the
 * usual system places and then Playwright's cache. `where` lists what was looked at, for messages.
 * @param {Host} [host]
 * @returns {{ path: string | null; where: string[] }}
 */
export function findChromium(host = realHost()) {
  const configured = host.env.CHROMIUM_PATH;
  if (configured) return { path: host.exists(configured) ? configured : null, where: [`CHROMIUM_PATH (${configured})`] };
  const candidates = [...systemBrowsers(host), ...playwrightBrowsers(host)];
  return { path: candidates.find((c) => host.exists(c)) ?? null, where: [...systemBrowsers(host), `${playwrightCache(host)}/chromium-*`] };
}

/**
 * The one command that gets a Chromium this search then finds: Debian's package where apt-get is,
 * otherwise Playwright's own download into its cache.
 * @param {Host} host
 */
export function installCommand(host) {
  if (host.platform === 'linux' && host.exists('/usr/bin/apt-get')) return 'sudo apt-get install -y chromium';
  return 'pnpm exec playwright-core install chromium';
}
