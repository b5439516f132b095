import { type Kysely, sql } from 'kysely';

// Frozen in time: uses Kysely<any>, never the app's table types.
export async function up(db: Kysely<any>): Promise<void> {
  // One row per provider event (a Postmark webhook) ever applied: its key is unique, so a replayed
  // event inserts nothing and changes nothing twice.
  await db.schema
    .createTable('email_events')
    .addColumn('event_key', 'text', (c) => c.primaryKey())
    .addColumn('record_type', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text')
    // What the event makes of the email in the outbox: delivered, bounced, complained (or null).
    .addColumn('delivery_status', 'text')
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('email_events_received_idx').on('email_events').column('received_at').execute();
  // An event can arrive before the send's outcome is written: the outcome then looks it up.
  await db.schema.createIndex('email_events_message_idx').on('email_events').column('message_id').execute();

  // What the provider told us about one address, whoever it belongs to (an open sign-up has no user
  // yet). `bouncing` is what the admin filter "email bounces" reads: suppressed, or a bounce or
  // complaint later than the last delivery; its partial index holds only those addresses.
  await db.schema
    .createTable('email_deliverability')
    .addColumn('email', 'text', (c) => c.primaryKey())
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('bounced_at', 'timestamptz')
    .addColumn('bounce_type', 'text')
    .addColumn('complained_at', 'timestamptz')
    .addColumn('suppressed_at', 'timestamptz')
    .addColumn('suppression_reason', 'text')
    .addColumn('lifted_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('bouncing', 'boolean', (c) =>
      c.generatedAlwaysAs(
        sql`suppressed_at is not null or (greatest(bounced_at, complained_at) is not null and (delivered_at is null or greatest(bounced_at, complained_at) > delivered_at))`,
      ).stored(),
    )
    .execute();
  await sql`create index email_deliverability_bouncing_idx on email_deliverability (email) where bouncing`.execute(db);

  // The outbox row keeps what became of the email after the provider accepted it.
  await db.schema
    .alterTable('email_outbox')
    .addColumn('delivery_status', 'text', (c) => c.check(sql`delivery_status in ('delivered', 'bounced', 'complained')`))
    .addColumn('delivery_status_at', 'timestamptz')
    .execute();
  await sql`create index email_outbox_message_idx on email_outbox (provider_message_id) where provider_message_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('email_outbox_message_idx').execute();
  await db.schema.alterTable('email_outbox').dropColumn('delivery_status_at').dropColumn('delivery_status').execute();
  await db.schema.dropTable('email_deliverability').execute();
  await db.schema.dropTable('email_events').execute();
}
