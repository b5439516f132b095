import { performance } from 'node:perf_hooks';
import { createDatabase, type Database } from '@app/db';
import type { TestDatabase } from '@app/db/testing';
import { type CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { addUser, cleanUp, listAudit, type ListAuditInput } from '../src/index';
import { encodeCursor } from '../src/pagination/cursor';
import { useTestDatabase } from './helpers';

/*
 * The audit log is the table that grows fastest (a row per code request, sign-in and admin
 * change). With 200,000 rows, the admin list's first page and a page near the end both come
 * from an index, and so does the retention cleanup. Timings are printed, not asserted: what
 * must hold is the plan (no sequential scan of the audit table), read with EXPLAIN from the
 * statements the code actually ran.
 */
const ROWS = 200_000;
const template = inject('testDatabaseTemplate');

describe.skipIf(template.kind !== 'postgres')('the audit log at 200,000 rows (needs DATABASE_URL: a planner with statistics)', () => {
  let database: TestDatabase;
  let db: Database;
  const ran: CompiledQuery[] = [];
  const users: string[] = [];

  beforeAll(async () => {
    database = await useTestDatabase();
    db = await createDatabase({ url: database.url, poolSize: 2, log: (event) => void ran.push(event.query) });
    for (let i = 0; i < 20; i++) users.push((await addUser(database.db, `person${i}@example.com`, 'user', new Date())).user.id);
    // One statement: one row a minute back from now, spread over types and people.
    await sql`
      insert into audit_events (type, subject_user_id, email, ip, user_agent, created_at)
      select (array['code_requested', 'sign_in_succeeded', 'sign_in_failed', 'signed_out'])[1 + n % 4],
             (${sql.val(users)}::uuid[])[1 + n % 20], 'person@example.com', '198.51.100.' || (n % 250), 'vitest',
             now() - make_interval(mins => ${ROWS} - n)
      from generate_series(1, ${ROWS}) as n`.execute(database.db);
    await sql`analyze audit_events`.execute(database.db);
  }, 120_000);
  afterAll(async () => {
    await db?.destroy();
    await database?.close();
  });

  /** Runs `work`, returns what it ran against audit_events and how long the fastest of 5 runs took. */
  async function measure(work: () => Promise<unknown>): Promise<{ queries: CompiledQuery[]; ms: number }> {
    let ms = Infinity;
    let queries: CompiledQuery[] = [];
    for (let i = 0; i < 5; i++) {
      ran.length = 0;
      const started = performance.now();
      await work();
      ms = Math.min(ms, performance.now() - started);
      queries = ran.filter((q) => q.sql.includes('"audit_events"'));
    }
    return { queries, ms };
  }

  /** The plan's node types on audit_events, e.g. ['Index Scan'], from EXPLAIN of the query as it ran. */
  async function scansOfAudit(query: CompiledQuery): Promise<string[]> {
    const { rows } = await database.db.executeQuery<{ 'QUERY PLAN': unknown }>({ ...query, sql: `explain (format json) ${query.sql}` });
    const scans: string[] = [];
    const walk = (node: Record<string, unknown>) => {
      if (node['Relation Name'] === 'audit_events') scans.push(String(node['Node Type']));
      for (const child of (node.Plans as Array<Record<string, unknown>> | undefined) ?? []) walk(child);
    };
    walk((rows[0]!['QUERY PLAN'] as Array<{ Plan: Record<string, unknown> }>)[0]!.Plan);
    return scans;
  }

  it('answers the first and a deep page of the admin list from an index, filtered or not', async () => {
    const deepId = (await database.db.selectFrom('audit_events').select('id').orderBy('id', 'desc').offset(ROWS - 1_000).limit(1).executeTakeFirstOrThrow()).id;
    const deep = encodeCursor([deepId]);
    const cases = {
      'first page': {},
      'deep page': { cursor: deep },
      'type, first page': { type: 'sign_in_failed' },
      'type, deep page': { type: 'sign_in_failed', cursor: deep },
      'one person, deep page': { userId: users[3]!, cursor: deep },
    } satisfies Record<string, ListAuditInput>;
    const timings: string[] = [];
    for (const [name, input] of Object.entries(cases)) {
      const { queries, ms } = await measure(async () => {
        const page = await listAudit(db, { ...input, limit: 25 });
        expect(page).toMatchObject({ ok: true, items: expect.any(Array) });
        expect(page.ok && page.items.length).toBeGreaterThan(0);
      });
      expect(queries).toHaveLength(1);
      const scans = await scansOfAudit(queries[0]!);
      expect(scans.length, name).toBeGreaterThan(0);
      expect(scans, name).not.toContain('Seq Scan');
      timings.push(`${name}: ${ms.toFixed(1)} ms (${scans.join(', ')})`);
    }
    console.log(`admin audit list over ${ROWS} rows, fastest of 5:\n  ${timings.join('\n  ')}`);
  });

  it('finds what retention removes through an index, and removes it in batches', async () => {
    // Keep the newest 180 days: 200,000 minutes is about 139 days, so move half the rows back a year.
    await sql`update audit_events set created_at = created_at - interval '1 year' where id % 2 = 0`.execute(database.db);
    await sql`analyze audit_events`.execute(database.db);
    ran.length = 0;
    const started = performance.now();
    const result = await cleanUp(db, { now: new Date(), inviteTtlDays: 30, auditRetentionDays: 180 });
    const ms = performance.now() - started;
    expect(result).toMatchObject({ ran: true, removed: { auditEvents: ROWS / 2 } });
    const deletes = ran.filter((q) => q.sql.startsWith('delete from "audit_events"'));
    expect(deletes.length).toBe(ROWS / 2 / 5_000 + 1);
    expect(await scansOfAudit(deletes[0]!)).not.toContain('Seq Scan');
    console.log(`audit retention: ${ROWS / 2} of ${ROWS} rows in ${deletes.length} transactions, ${ms.toFixed(0)} ms`);
  });
});
