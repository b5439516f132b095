import { type Kysely, sql } from 'kysely';

// Frozen in time: uses Kysely<any>, never the app's table types.
export async function up(db: Kysely<any>): Promise<void> {
  // email_change: a signed-in person asked to move their account to the attempt's email; the code
  // works only in the session that asked (deleted with it), never as a sign-in.
  await db.schema
    .alterTable('sign_in_attempts')
    .addColumn('session_id', 'text', (c) => c.references('sessions.id').onDelete('cascade'))
    .execute();
  await sql`alter table sign_in_attempts
    drop constraint sign_in_attempts_kind_check,
    add constraint sign_in_attempts_kind_check check (kind in ('sign_in', 'sign_up', 'decoy', 'email_change')),
    add constraint sign_in_attempts_session_check check ((kind = 'email_change') = (session_id is not null))`.execute(db);
  // The confirm reads a session's newest change; the cascade from sessions needs it too.
  await db.schema.createIndex('sign_in_attempts_session_idx').on('sign_in_attempts').columns(['session_id', 'created_at']).where(sql.ref('session_id'), 'is not', null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('sign_in_attempts').where('kind', '=', 'email_change').execute();
  await db.schema.dropIndex('sign_in_attempts_session_idx').execute();
  await sql`alter table sign_in_attempts
    drop constraint sign_in_attempts_session_check,
    drop constraint sign_in_attempts_kind_check,
    add constraint sign_in_attempts_kind_check check (kind in ('sign_in', 'sign_up', 'decoy'))`.execute(db);
  await db.schema.alterTable('sign_in_attempts').dropColumn('session_id').execute();
}
