import { fail, type Failure } from './reasons';

const MAX_EMAIL_LENGTH = 254;
// The HTML living standard's valid-email rule, plus a dot in the domain (no intranet hosts).
const EMAIL_PATTERN =
  /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** Trims and lower-cases an email and checks its shape. */
export function parseEmail(input: unknown): { ok: true; email: string } | Failure<'missing_email' | 'invalid_email'> {
  if (input === undefined || input === null) return fail('missing_email');
  if (typeof input !== 'string') return fail('invalid_email');
  const email = input.trim().toLowerCase();
  if (email === '') return fail('missing_email');
  if (email.length > MAX_EMAIL_LENGTH || !EMAIL_PATTERN.test(email)) return fail('invalid_email');
  const local = email.slice(0, email.indexOf('@'));
  if (local.length > 64 || local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return fail('invalid_email');
  }
  return { ok: true, email };
}

const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/**
 * The inbox a parsed email lands in, for limiting what is sent to it: the `+tag` dropped, and at
 * Gmail the dots too (googlemail.com is gmail.com). Only for limits: a user's email stays as typed.
 */
export function canonicalMailbox(email: string): string {
  const at = email.lastIndexOf('@');
  const domain = email.slice(at + 1);
  const tagged = email.slice(0, at);
  const local = tagged.indexOf('+') > 0 ? tagged.slice(0, tagged.indexOf('+')) : tagged;
  return GMAIL_DOMAINS.has(domain) ? `${local.replaceAll('.', '')}@gmail.com` : `${local}@${domain}`;
}
