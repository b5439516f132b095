import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * A check of an `Authorization: Basic …` header against one user and password. Both halves are
 * compared every time, as SHA-256 digests with timingSafeEqual (equal lengths, constant time), so
 * the answer's timing tells neither which half was wrong nor how much of it matched.
 */
export function basicCredentialsCheck(user: string, password: string): (header: string | undefined) => boolean {
  const expectedUser = digest(user);
  const expectedPassword = digest(password);
  return (header) => {
    const encoded = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header ?? '')?.[1];
    const decoded = encoded ? Buffer.from(encoded, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const userMatches = timingSafeEqual(digest(colon >= 0 ? decoded.slice(0, colon) : ''), expectedUser);
    const passwordMatches = timingSafeEqual(digest(colon >= 0 ? decoded.slice(colon + 1) : ''), expectedPassword);
    return colon >= 0 && userMatches && passwordMatches;
  };
}
