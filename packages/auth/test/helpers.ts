import { randomBytes } from 'node:crypto';
import { openTestDatabase, type TestDatabase } from '@app/db/testing';
import { inject } from 'vitest';
import { type AuthDeps, type AuthEvent, defaultAuthOptions } from '../src/index';
import type { Database } from '@app/db';

/** A clock tests move by hand. */
export function fakeClock(start = new Date('2026-01-05T10:00:00Z')) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(seconds: number) {
      now += seconds * 1000;
    },
  };
}

export function testDeps(clock = fakeClock()): AuthDeps & { clock: ReturnType<typeof fakeClock>; events: AuthEvent[] } {
  const events: AuthEvent[] = [];
  return {
    options: { ...structuredClone(defaultAuthOptions), secret: 'test-secret-0123456789abcdef0123456789', appName: 'Acme', appUrl: 'http://localhost:3000' },
    now: clock.now,
    randomBytes,
    log: (e) => events.push(e),
    clock,
    events,
  };
}

export function useTestDatabase(): Promise<TestDatabase> {
  return openTestDatabase(inject('testDatabaseTemplate'));
}

/** The code in the newest queued email to `email` (read the way a person reads their inbox). */
export async function latestCode(db: Database, email: string): Promise<string> {
  const row = await db
    .selectFrom('email_outbox')
    .select('text_body')
    .where('recipient', '=', email)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  const match = /^(\d{6})$/m.exec(row.text_body ?? '');
  if (!match?.[1]) throw new Error(`no code in the email to ${email}`);
  return match[1];
}
