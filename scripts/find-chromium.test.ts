import { describe, expect, it } from 'vitest';
import { findChromium, type Host, installCommand } from './find-chromium.mjs';

/** A machine with exactly these files. */
function fakeHost(platform: string, files: string[], env: Record<string, string> = {}): Host {
  const present = new Set(files);
  return {
    env,
    platform,
    homedir: platform === 'darwin' ? '/Users/ada' : '/home/ada',
    exists: (path) => present.has(path),
    list: (dir) => [...new Set(files.filter((f) => f.startsWith(`${dir}/`)).map((f) => f.slice(dir.length + 1).split('/')[0]!))],
  };
}

const MAC_CHROME = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
const pwLinux = (dir: string, exe = 'chrome-linux64/chrome') => `/home/ada/.cache/ms-playwright/${dir}/${exe}`;

describe('findChromium', () => {
  it('takes CHROMIUM_PATH, and nothing else, when it is set', () => {
    const files = ['/opt/my/chrome', '/usr/bin/chromium'];
    expect(findChromium(fakeHost('linux', files, { CHROMIUM_PATH: '/opt/my/chrome' })).path).toBe('/opt/my/chrome');
    expect(findChromium(fakeHost('linux', files, { CHROMIUM_PATH: '/opt/missing' }))).toEqual({ path: null, where: ['CHROMIUM_PATH (/opt/missing)'] });
  });

  it("finds Debian's, Ubuntu's or Google's build at the usual Linux places", () => {
    expect(findChromium(fakeHost('linux', ['/usr/bin/chromium'])).path).toBe('/usr/bin/chromium');
    expect(findChromium(fakeHost('linux', ['/usr/bin/chromium-browser'])).path).toBe('/usr/bin/chromium-browser');
    expect(findChromium(fakeHost('linux', ['/opt/google/chrome/chrome', pwLinux('chromium-1255')])).path).toBe('/opt/google/chrome/chrome');
  });

  it('finds Chromium or Chrome in /Applications or ~/Applications on a Mac', () => {
    expect(findChromium(fakeHost('darwin', [MAC_CHROME])).path).toBe(MAC_CHROME);
    const own = '/Users/ada/Applications/Chromium.app/Contents/MacOS/Chromium';
    expect(findChromium(fakeHost('darwin', [own])).path).toBe(own);
    // Linux places mean nothing on a Mac.
    expect(findChromium(fakeHost('darwin', ['/usr/bin/chromium'])).path).toBeNull();
  });

  it("falls back to Playwright's newest Chromium, then to its headless shell", () => {
    const old = pwLinux('chromium-1100', 'chrome-linux/chrome');
    const newest = pwLinux('chromium-1255');
    const shell = pwLinux('chromium_headless_shell-1300', 'chrome-headless-shell-linux64/chrome-headless-shell');
    expect(findChromium(fakeHost('linux', [old, newest, shell])).path).toBe(newest);
    expect(findChromium(fakeHost('linux', [old])).path).toBe(old);
    expect(findChromium(fakeHost('linux', [shell])).path).toBe(shell);
  });

  it("looks in Playwright's cache where Playwright itself would put it", () => {
    const mac = '/Users/ada/Library/Caches/ms-playwright/chromium-1255/chrome-mac-arm64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing';
    expect(findChromium(fakeHost('darwin', [mac])).path).toBe(mac);
    const custom = '/srv/browsers/chromium-1255/chrome-linux64/chrome';
    expect(findChromium(fakeHost('linux', [custom], { PLAYWRIGHT_BROWSERS_PATH: '/srv/browsers' })).path).toBe(custom);
    const xdg = '/tmp/cache/ms-playwright/chromium-1255/chrome-linux64/chrome';
    expect(findChromium(fakeHost('linux', [xdg], { XDG_CACHE_HOME: '/tmp/cache' })).path).toBe(xdg);
  });

  it('finds nothing on a bare machine, and says where it looked', () => {
    const found = findChromium(fakeHost('linux', ['/usr/bin/firefox', pwLinux('firefox-1572', 'firefox/firefox')]));
    expect(found.path).toBeNull();
    expect(found.where).toEqual(expect.arrayContaining(['/usr/bin/chromium', '/home/ada/.cache/ms-playwright/chromium-*']));
  });
});

describe('installCommand', () => {
  it("names Debian's package where apt-get is, Playwright's download elsewhere", () => {
    expect(installCommand(fakeHost('linux', ['/usr/bin/apt-get']))).toBe('sudo apt-get install -y chromium');
    expect(installCommand(fakeHost('linux', ['/usr/bin/dnf']))).toBe('pnpm exec playwright-core install chromium');
    expect(installCommand(fakeHost('darwin', []))).toBe('pnpm exec playwright-core install chromium');
  });
});
