import type { Kysely } from 'kysely';

// Frozen in time: uses Kysely<any>, never the app's table types.
export async function up(db: Kysely<any>): Promise<void> {
  // Refused requests are counted in one audit row per minute, procedure, network and reason: the
  // row's bucket is unique, so the next refusal of the same bucket raises its count instead of
  // adding a row. Null for every other event (nulls never collide).
  await db.schema.alterTable('audit_events').addColumn('refusal_bucket', 'text').execute();
  await db.schema.createIndex('audit_events_refusal_bucket_idx').on('audit_events').column('refusal_bucket').unique().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_events_refusal_bucket_idx').execute();
  await db.schema.alterTable('audit_events').dropColumn('refusal_bucket').execute();
}
