import { UAParser } from 'ua-parser-js';

const UNKNOWN = 'Unknown device';

// ua-parser-js 1.x (MIT) names a few things differently from what people (and 2.x) call them.
const OS_NAMES: Record<string, string> = { 'Mac OS': 'macOS' };
// Safari on a phone is already "Mobile Safari"; Chrome and Firefox get the same prefix there.
const MOBILE_PREFIXED = new Set(['Chrome', 'Firefox']);

/** A device as a person recognises it, from a User-Agent header: "Chrome 120 on macOS". */
export function describeDevice(userAgent: string | null): string {
  return label(userAgent, true);
}

/**
 * The same without the browser's version ("Chrome on macOS"): what stays the same when a browser
 * updates itself (Chrome and Firefox every four weeks), for telling a known device from a new one.
 */
export function deviceFamily(userAgent: string | null): string {
  return label(userAgent, false);
}

function label(userAgent: string | null, withVersion: boolean): string {
  if (!userAgent) return UNKNOWN;
  const { browser, os, device } = UAParser(userAgent);
  const onPhone = device.type === 'mobile';
  const browserName = browser.name && onPhone && MOBILE_PREFIXED.has(browser.name) ? `Mobile ${browser.name}` : browser.name;
  const app = browserName ? [browserName, withVersion ? browser.major : null].filter(Boolean).join(' ') : null;
  // OS versions are left out: browsers freeze them (macOS 10.15.7, Windows 10) so they mislead.
  const system = os.name ? (OS_NAMES[os.name] ?? os.name) : null;
  const model = onPhone || device.type === 'tablet' ? (device.model ?? null) : null;
  const where = system && model && !system.includes(model) ? `${system} (${model})` : system;
  if (app && where) return `${app} on ${where}`;
  return app ?? where ?? UNKNOWN;
}
