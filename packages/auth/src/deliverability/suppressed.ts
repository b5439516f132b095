import { type RawBuilder, sql } from 'kysely';

/**
 * In SQL, whether an address is suppressed (a hard bounce, a complaint, Postmark's own refusal):
 * no email goes to it. `email` is a column (`sql.ref('u.email')`) or a compiled statement's slot.
 */
export function suppressedSql(email: RawBuilder<string> | string): RawBuilder<boolean> {
  return sql<boolean>`exists (select 1 from email_deliverability d where d.email = ${email} and d.suppressed_at is not null)`;
}
