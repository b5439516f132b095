import type { DB } from '@app/db';
import { sql } from 'kysely';

/**
 * `insert into <table> (…) select … from <source> where <when>`, for a data-modifying CTE: the row
 * is written once for each row the CTE named `source` returned (zero or one), so it is stored in
 * the same statement as that change, and only if the change happened. Values are parameters,
 * except `sql` fragments, which may use the source's columns.
 */
export function insertForEach(source: string, table: keyof DB, row: Record<string, unknown>, when: unknown = sql`true`) {
  const columns = Object.keys(row);
  return sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))})
    select ${sql.join(columns.map((c) => sql`${row[c]}`))} from ${sql.table(source)} where ${when}`;
}

/** `insert into <table> (…) values (…)`, for a data-modifying CTE. */
export function insertRow(table: keyof DB, row: Record<string, unknown>) {
  const columns = Object.keys(row);
  return sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) values (${sql.join(columns.map((c) => sql`${row[c]}`))})`;
}
