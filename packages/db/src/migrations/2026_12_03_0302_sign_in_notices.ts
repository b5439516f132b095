import { type Kysely, sql } from 'kysely';

// Frozen in time: uses Kysely<any>, never the app's table types.
export async function up(db: Kysely<any>): Promise<void> {
  // Each sign-in's audit row is looked at once for a new-sign-in notice, off the request path: the
  // notice pass claims it by setting this column where it is still null. Rows written before this
  // migration take the column's default (stored once as the column's missing value, without
  // rewriting the table), so no past sign-in is announced; rows written after it start null.
  await db.schema.alterTable('audit_events').addColumn('new_sign_in_checked_at', 'timestamptz', (c) => c.defaultTo(sql`'epoch'`)).execute();
  await db.schema.alterTable('audit_events').alterColumn('new_sign_in_checked_at', (c) => c.dropDefault()).execute();
  await sql`create index audit_events_unchecked_sign_in_idx on audit_events (id) where type = 'sign_in_succeeded' and new_sign_in_checked_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_events_unchecked_sign_in_idx').execute();
  await db.schema.alterTable('audit_events').dropColumn('new_sign_in_checked_at').execute();
}
