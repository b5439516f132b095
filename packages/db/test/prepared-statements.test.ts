import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../src/testing';

// Only a Postgres server has prepared statements; the embedded database runs every statement as is.
const template = inject('testDatabaseTemplate');

describe.skipIf(template.kind !== 'postgres')('repeated statements on Postgres', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(template);
  });
  afterAll(() => database.close());

  const preparedCount = async () => {
    const { rows } = await sql<{ n: string }>`select count(*) as n from pg_prepared_statements`.execute(database.db);
    return Number(rows[0]?.n);
  };

  it('runs prepared from the second call, with the same answers', async () => {
    const db = database.db.connection();
    await db.execute(async (conn) => {
      const lookup = () => conn.selectFrom('users').select(['id', 'email']).where('email', '=', 'nobody@example.com').execute();
      const before = await preparedCount();
      expect(await lookup()).toEqual([]);
      expect(await lookup()).toEqual([]);
      expect(await lookup()).toEqual([]);
      expect(await sql<{ n: string }>`select count(*) as n from pg_prepared_statements`.execute(conn).then((r) => Number(r.rows[0]?.n))).toBe(
        before + 1,
      );
    });
  });

  it('survives a migration that changes a selected column: one statement fails, the next runs', async () => {
    const db = database.db;
    await sql`create table prepared_probe (id int primary key, label varchar(10))`.execute(db);
    await sql`insert into prepared_probe values (1, 'a')`.execute(db);
    const read = () => sql<{ label: string }>`select label from prepared_probe where id = ${1}`.execute(db);
    // Enough calls to prepare it on every pooled connection that ran it.
    for (let i = 0; i < 20; i += 1) await Promise.all([read(), read(), read()]);
    await sql`alter table prepared_probe alter column label type text`.execute(db);
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, read));
    expect(outcomes.some((o) => o.status === 'fulfilled')).toBe(true);
    // Each stale connection fails once and is replaced.
    for (let i = 0; i < 3; i += 1) await Promise.allSettled(Array.from({ length: 10 }, read));
    const after = await Promise.all(Array.from({ length: 10 }, read));
    expect(after.every((r) => r.rows[0]?.label === 'a')).toBe(true);
  });
});
