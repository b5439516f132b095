import { createHmac } from 'node:crypto';
import { randomString, TOKEN_ALPHABET } from '../tokens';

const LINK_TOKEN_LENGTH = 32; // 160 bits
const LINK_TOKEN_PATTERN = new RegExp(`^[${TOKEN_ALPHABET}]{${LINK_TOKEN_LENGTH}}$`);

/** A new one-click sign-in token: 160 bits from a CSPRNG, separate from the code it travels with. */
export function generateLinkToken(randomBytes: (size: number) => Buffer): string {
  return randomString(randomBytes, LINK_TOKEN_LENGTH);
}

/** The token as the link page sends it, or null when it cannot be one. */
export function parseLinkToken(value: unknown): string | null {
  return typeof value === 'string' && LINK_TOKEN_PATTERN.test(value) ? value : null;
}

/**
 * HMAC-SHA-256 of a link's token, keyed by the server secret: what the database keeps. Unlike a
 * code's it is not bound to the attempt, because the link is looked up by it alone (a code's
 * 20 bits would collide across attempts; 160 random bits do not). The prefix keeps it apart from
 * every code hash.
 */
export function hashLinkToken(secret: string, token: string): Buffer {
  return createHmac('sha256', secret).update(`link:${token}`).digest();
}

/**
 * The link in the email. The token sits in the fragment, which browsers never send to a server,
 * so it stays out of access logs, proxies and `Referer` headers.
 */
export function signInLinkUrl(appUrl: string, token: string): string {
  return `${appUrl.replace(/\/+$/, '')}/sign-in/link#${token}`;
}
