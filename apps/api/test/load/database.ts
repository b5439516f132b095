import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, type Database } from '@app/db';
import { createTestDatabaseTemplate, dropTestDatabaseTemplate, openTestDatabase } from '@app/db/testing';
import { sql } from 'kysely';

/** The load test's own database, migrated and seeded with `users` invited users load1…loadN. */
export interface LoadDatabase {
  kind: 'postgres' | 'embedded';
  /** What the server needs to open it. */
  env: Record<string, string>;
  /** Emails not sent (pending, failed, expired), or null when only the server can look (embedded). */
  unsentEmails(): Promise<number | null>;
  close(): Promise<void>;
}

async function seed(db: Database, users: number): Promise<void> {
  await sql`insert into users (email, role) select 'load' || g || '@example.com', 'user' from generate_series(1, ${users}::int) g`.execute(db);
}

export async function openLoadDatabase(serverUrl: string | undefined, users: number): Promise<LoadDatabase> {
  const template = await createTestDatabaseTemplate(serverUrl);
  if (template.kind === 'postgres') {
    const database = await openTestDatabase(template);
    await seed(database.db, users);
    return {
      kind: 'postgres',
      env: { DATABASE_URL: database.url! },
      async unsentEmails() {
        const row = await database.db.selectFrom('email_outbox').select(sql<string>`count(*)`.as('n')).where('status', '!=', 'sent').executeTakeFirstOrThrow();
        return Number(row.n);
      },
      async close() {
        await database.close();
        await dropTestDatabaseTemplate(template);
      },
    };
  }
  console.warn('load test: DATABASE_URL is not set; using an embedded database (PGlite), which is not what production runs on');
  const dataDir = mkdtempSync(join(tmpdir(), 'load-test-'));
  const untar = spawnSync('tar', ['-xf', template.dumpPath, '-C', dataDir], { encoding: 'utf8', timeout: 60_000 });
  if (untar.status !== 0) throw new Error(`could not unpack the database template: ${untar.stderr}`);
  // The server owns an embedded database while it runs; seed it first.
  const db = await createDatabase({ dataDir });
  await seed(db, users);
  await db.destroy();
  return {
    kind: 'embedded',
    env: { DATA_DIR: dataDir },
    unsentEmails: async () => null,
    async close() {
      rmSync(dataDir, { recursive: true, force: true });
      await dropTestDatabaseTemplate(template);
    },
  };
}
