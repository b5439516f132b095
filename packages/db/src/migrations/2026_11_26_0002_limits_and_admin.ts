import { type Kysely, sql } from 'kysely';

// Frozen in time: uses Kysely<any>, never the app's table types.
export async function up(db: Kysely<any>): Promise<void> {
  // One row per limited key: the GCRA "theoretical arrival time". A row whose tat has passed is idle.
  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('tat', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rate_limits_tat_idx').on('rate_limits').column('tat').execute();

  // sign_in: a registered user; sign_up: open sign-up, the user is created when the code verifies;
  // decoy: an unknown email when registration is not revealed (no email is sent, nothing verifies).
  await db.schema
    .alterTable('sign_in_attempts')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('sign_in').check(sql`kind in ('sign_in', 'sign_up', 'decoy')`))
    .execute();

  await db.schema.createIndex('users_created_idx').on('users').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('audit_events_type_idx').on('audit_events').columns(['type', 'created_at']).execute();
  await db.schema.createIndex('audit_events_actor_idx').on('audit_events').column('actor_user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_events_actor_idx').execute();
  await db.schema.dropIndex('audit_events_type_idx').execute();
  await db.schema.dropIndex('users_created_idx').execute();
  await db.schema.alterTable('sign_in_attempts').dropColumn('kind').execute();
  await db.schema.dropTable('rate_limits').execute();
}
