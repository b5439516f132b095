import { join } from 'node:path';
import { validateSessionToken } from '@app/auth';
import { createDatabase, type Database, migrateToLatest } from '@app/db';
import { benchAuthDeps, seedUsers } from '../support/seed';
import { round } from '../support/stats';

export interface ValidationResult {
  calls: number;
  /** Microseconds per validateSessionToken call, one after another, in this process. */
  embeddedMicros: number;
  postgresMicros: number | null;
  /** embedded / postgres. */
  ratio: number | null;
}

/**
 * The cost of one session validation (the indexed join, the hash check, the mapping), in process:
 * against an embedded PGlite database on disk, and against the Postgres bench database.
 */
export async function benchValidation(input: {
  workDir: string;
  secret: string;
  postgres: { open: () => Promise<Database>; cookies: readonly string[] } | null;
  calls: number;
}): Promise<ValidationResult> {
  const deps = benchAuthDeps(input.secret);
  const embedded = await createDatabase({ dataDir: join(input.workDir, 'validation-embedded') });
  let embeddedMicros: number;
  try {
    await migrateToLatest(embedded);
    const seeded = await seedUsers(embedded, deps, 100, 'validation');
    embeddedMicros = await timeValidations(embedded, seeded.sessionCookies, input.calls, input.secret);
  } finally {
    await embedded.destroy();
  }
  let postgresMicros: number | null = null;
  if (input.postgres) {
    const db = await input.postgres.open();
    try {
      postgresMicros = await timeValidations(db, input.postgres.cookies, input.calls, input.secret);
    } finally {
      await db.destroy();
    }
  }
  return {
    calls: input.calls,
    embeddedMicros: round(embeddedMicros, 1),
    postgresMicros: postgresMicros === null ? null : round(postgresMicros, 1),
    ratio: postgresMicros === null ? null : round(embeddedMicros / postgresMicros, 2),
  };
}

async function timeValidations(db: Database, cookies: readonly string[], calls: number, secret: string): Promise<number> {
  const deps = benchAuthDeps(secret);
  const tokens = cookies.map((c) => c.slice(c.indexOf('=') + 1));
  const validate = (i: number) => validateSessionToken(db, deps, tokens[i % tokens.length]);
  for (let i = 0; i < Math.min(500, calls); i += 1) {
    if (!(await validate(i)).user) throw new Error('a seeded session did not validate');
  }
  const started = performance.now();
  for (let i = 0; i < calls; i += 1) await validate(i);
  return ((performance.now() - started) * 1000) / calls;
}
