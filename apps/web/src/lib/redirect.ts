const fallback = '/dashboard';
// A throwaway origin: if resolving the path against it lands anywhere else, the path leaves the site.
const probeOrigin = 'https://same-site.invalid';

/**
 * The `?redirect=` target if it is a path on this site, otherwise `/dashboard`.
 * Guards against open redirects: `//evil.com` and `/\evil.com` are protocol-relative URLs to browsers.
 */
export function safeRedirect(value: unknown): string {
  if (typeof value !== 'string') return fallback;
  if (!value.startsWith('/') || value.startsWith('//')) return fallback;
  // Browsers treat "\" like "/" and drop tabs/newlines inside URLs, so "/\t/evil.com" is "//evil.com".
  if (/[\\\p{Cc}]/u.test(value)) return fallback;
  try {
    if (new URL(value, probeOrigin).origin !== probeOrigin) return fallback;
  } catch {
    return fallback;
  }
  return value;
}
