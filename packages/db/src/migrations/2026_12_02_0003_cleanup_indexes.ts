import type { Kysely } from 'kysely';

// Frozen in time: uses Kysely<any>, never the app's table types.
// Every table that grows with traffic is trimmed by the hourly cleanup through an index, so a run
// reads what it deletes and not the whole table; the audit list filtered by type pages on its id.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('sign_in_codes_expires_idx').on('sign_in_codes').column('expires_at').execute();
  await db.schema.createIndex('email_outbox_created_idx').on('email_outbox').column('created_at').execute();
  // The audit list orders by id; (type, created_at) made a filtered page read and sort every row of that type.
  await db.schema.createIndex('audit_events_type_id_idx').on('audit_events').columns(['type', 'id']).execute();
  await db.schema.dropIndex('audit_events_type_idx').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('audit_events_type_idx').on('audit_events').columns(['type', 'created_at']).execute();
  await db.schema.dropIndex('audit_events_type_id_idx').execute();
  await db.schema.dropIndex('email_outbox_created_idx').execute();
  await db.schema.dropIndex('sign_in_codes_expires_idx').execute();
}
