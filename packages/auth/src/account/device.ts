import { UAParser } from 'ua-parser-js';

const UNKNOWN = 'Unknown device';

/** A device as a person recognises it, from a User-Agent header: "Chrome 120 on macOS". */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return UNKNOWN;
  const { browser, os, device } = UAParser(userAgent);
  const app = browser.name ? [browser.name, browser.major].filter(Boolean).join(' ') : null;
  // OS versions are left out: browsers freeze them (macOS 10.15.7, Windows 10) so they mislead.
  const system = os.name ?? null;
  const model = device.type === 'mobile' || device.type === 'tablet' ? (device.model ?? null) : null;
  const where = system && model && !system.includes(model) ? `${system} (${model})` : system;
  if (app && where) return `${app} on ${where}`;
  return app ?? where ?? UNKNOWN;
}
