import { createDatabase, type Database } from '@app/db';
import type { TestDatabase } from '@app/db/testing';
import { type CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { listUsers, type ListUsersInput } from '../src/index';
import { testDeps, useTestDatabase } from './helpers';

/*
 * The admin users list shows each user's email delivery state, read from email_deliverability in
 * the list's one query. With 50,000 users (every one with a delivery on record, 300 bouncing), the
 * first page, a deep page and the "email bounces" filter each read the tables through indexes:
 * EXPLAIN of the statement the code ran shows no sequential scan of either table.
 */
const USERS = 50_000;
const template = inject('testDatabaseTemplate');

describe.skipIf(template.kind !== 'postgres')('the users list at 50,000 users (needs DATABASE_URL: a planner with statistics)', () => {
  let database: TestDatabase;
  let db: Database;
  const ran: CompiledQuery[] = [];

  beforeAll(async () => {
    database = await useTestDatabase();
    db = await createDatabase({ url: database.url, poolSize: 2, log: (event) => void ran.push(event.query) });
    await sql`
      insert into users (email, role, status, created_at, updated_at)
      select 'person' || n || '@example.com', 'user', 'active', now() - make_interval(mins => n), now()
      from generate_series(1, ${USERS}) as n`.execute(database.db);
    await sql`
      insert into email_deliverability (email, delivered_at, bounced_at, bounce_type, suppressed_at, suppression_reason, updated_at)
      select 'person' || n || '@example.com', now() - interval '1 day',
        case when n % 167 = 0 then now() end, case when n % 167 = 0 then 'HardBounce' end,
        case when n % 334 = 0 then now() end, case when n % 334 = 0 then 'HardBounce' end, now()
      from generate_series(1, ${USERS}) as n`.execute(database.db);
    await sql`analyze users`.execute(database.db);
    await sql`analyze email_deliverability`.execute(database.db);
  }, 120_000);
  afterAll(async () => {
    await db?.destroy();
    await database?.close();
  });

  async function scans(query: CompiledQuery): Promise<Record<string, string[]>> {
    const { rows } = await database.db.executeQuery<{ 'QUERY PLAN': unknown }>({ ...query, sql: `explain (format json) ${query.sql}` });
    const found: Record<string, string[]> = {};
    const walk = (node: Record<string, unknown>) => {
      const relation = node['Relation Name'];
      if (typeof relation === 'string') (found[relation] ??= []).push(String(node['Node Type']));
      for (const child of (node.Plans as Array<Record<string, unknown>> | undefined) ?? []) walk(child);
    };
    walk((rows[0]!['QUERY PLAN'] as Array<{ Plan: Record<string, unknown> }>)[0]!.Plan);
    return found;
  }

  it('reads the first page, a deep page and the "email bounces" filter through indexes, in one query', async () => {
    const deps = testDeps();
    deps.now = () => new Date();
    const first = await listUsers(db, deps, { limit: 25 });
    const deepCursor = await (async () => {
      let cursor: string | null = first.ok ? first.nextCursor : null;
      // 40 pages in: a page an admin reaches by paging.
      for (let i = 0; i < 40 && cursor; i++) {
        const page = await listUsers(database.db, deps, { limit: 25, cursor });
        cursor = page.ok ? page.nextCursor : null;
      }
      return cursor ?? undefined;
    })();
    const cases = {
      'first page': { limit: 25 },
      'deep page': { limit: 25, cursor: deepCursor },
      'email bounces': { limit: 25, delivery: 'bouncing' },
    } satisfies Record<string, ListUsersInput>;
    const timings: string[] = [];
    for (const [name, input] of Object.entries(cases)) {
      ran.length = 0;
      const started = performance.now();
      const page = await listUsers(db, deps, input);
      const ms = performance.now() - started;
      expect(page.ok && page.items.length, name).toBe(25);
      if (name === 'email bounces') expect(page.ok && page.items.every((u) => u.delivery.lastBouncedAt !== null)).toBe(true);
      expect(ran, name).toHaveLength(1);
      const plan = await scans(ran[0]!);
      expect(plan.users?.length, name).toBeGreaterThan(0);
      expect(plan.email_deliverability?.length, name).toBeGreaterThan(0);
      expect([...plan.users!, ...plan.email_deliverability!], name).not.toContain('Seq Scan');
      timings.push(`${name}: ${ms.toFixed(1)} ms (users: ${plan.users!.join(', ')}; email_deliverability: ${plan.email_deliverability!.join(', ')})`);
    }
    console.log(`admin users list over ${USERS} users:\n  ${timings.join('\n  ')}`);
  });
});
