import { addUser, createAuthDeps, createSession, defaultAuthOptions, type AuthDeps } from '@app/auth';
import type { Database } from '@app/db';

export interface Seeded {
  emails: string[];
  /** `session=<token>` cookies, one per user, fresh (no activity refresh due for an hour). */
  sessionCookies: string[];
}

export function benchAuthDeps(secret: string): AuthDeps {
  return createAuthDeps({ ...defaultAuthOptions, secret, appName: 'Bench', appUrl: 'http://127.0.0.1' });
}

/** Adds `count` users, each with one session, through the auth package's own functions. */
export async function seedUsers(db: Database, deps: AuthDeps, count: number, prefix = 'user'): Promise<Seeded> {
  const emails: string[] = [];
  const sessionCookies: string[] = [];
  const meta = { ip: '127.0.0.1', userAgent: 'bench-seed' };
  for (let i = 0; i < count; i += 1) {
    const email = `${prefix}-${i}@bench.test`;
    const { user } = await addUser(db, email, 'user', deps.now());
    const { token } = await createSession(db, deps, user.id, meta);
    emails.push(email);
    sessionCookies.push(`session=${token}`);
  }
  return { emails, sessionCookies };
}
