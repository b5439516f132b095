import { type Kysely, sql } from 'kysely';

// Frozen in time: uses Kysely<any>, never the app's table types.
// Each code carries the HMAC of its one-click link's token (null when links are off), so a link
// lives and dies with its code and the last three of an attempt's links stay valid with theirs.
// A link is looked up by that HMAC alone (its browser is checked after), hence the index.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sign_in_codes').addColumn('link_hash', 'bytea').execute();
  await db.schema
    .createIndex('sign_in_codes_link_hash_idx')
    .on('sign_in_codes')
    .column('link_hash')
    .where(sql.ref('link_hash'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sign_in_codes_link_hash_idx').execute();
  await db.schema.alterTable('sign_in_codes').dropColumn('link_hash').execute();
}
