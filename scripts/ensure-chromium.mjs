// The browser tests need a Chromium. Find one (see find-chromium.mjs); when there is none and we
// may install one (root with apt-get: Debian/Ubuntu), do; otherwise stop with the command that
// installs one, so the failure is a clear instruction rather than a crash deep in a test.
import { execFileSync } from 'node:child_process';
import { findChromium, installCommand, realHost } from './find-chromium.mjs';

const host = realHost();
const found = findChromium(host);
if (found.path) process.exit(0);

if (!host.env.CHROMIUM_PATH && host.platform === 'linux' && process.getuid?.() === 0 && host.exists('/usr/bin/apt-get')) {
  console.log("No Chromium found: installing Debian's chromium for the browser tests (about a minute)…");
  execFileSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null'], { stdio: 'inherit' });
  if (findChromium(host).path) process.exit(0);
}
if (host.env.CHROMIUM_PATH) {
  console.error(`CHROMIUM_PATH is ${host.env.CHROMIUM_PATH}, which does not exist: point it at a Chromium or Chrome binary, or unset it.`);
  process.exit(1);
}
console.error(
  `No Chromium for the browser tests. Looked at: ${found.where.join(', ')}.\n` +
    `Install one with:\n\n  ${installCommand(host)}\n\n` +
    'or set CHROMIUM_PATH to a Chromium or Chrome binary, then run the tests again.',
);
process.exit(1);
