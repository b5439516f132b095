import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { compiledStatement, type Prefixed, rowValues, type SlotOf, slotRow } from '../src/sql/compiled-statement';
import { useDatabaseSuite } from './helpers';

const suite = useDatabaseSuite();

describe('statements compiled once', () => {
  it('builds a statement once per shape and runs it with each call’s values', async () => {
    let builds = 0;
    const limitKeys = compiledStatement((db, slot: SlotOf<{ from: Date } | { from: Date; after: Date }>, shape: 'all' | 'later') => {
      builds += 1;
      const query = db.selectFrom('rate_limits').select('key').where('tat', '>=', slot('from')).orderBy('key');
      return sql<{ key: string }>`${shape === 'later' ? query.where('tat', '>', slot('after')) : query}`;
    });
    await suite.db
      .insertInto('rate_limits')
      .values([
        { key: 'a', tat: new Date('2026-01-01T00:00:00Z') },
        { key: 'b', tat: new Date('2026-01-02T00:00:00Z') },
        { key: 'c', tat: new Date('2026-01-03T00:00:00Z') },
      ])
      .execute();

    expect(await limitKeys(suite.db, 'all', { from: new Date('2026-01-02T00:00:00Z') })).toEqual([{ key: 'b' }, { key: 'c' }]);
    expect(await limitKeys(suite.db, 'all', { from: new Date('2026-01-01T00:00:00Z') })).toEqual([{ key: 'a' }, { key: 'b' }, { key: 'c' }]);
    expect(builds).toBe(1);
    const later = { from: new Date('2026-01-01T00:00:00Z'), after: new Date('2026-01-02T00:00:00Z') };
    expect(await limitKeys(suite.db, 'later', later)).toEqual([{ key: 'c' }]);
    expect(builds).toBe(2);
  });

  it('refuses a statement with a value that is not a slot, which would be frozen into every call', async () => {
    const frozen = compiledStatement((db, slot: SlotOf<{ after: Date }>) =>
      sql`${db.selectFrom('rate_limits').select('key').where('key', '=', 'fixed').where('tat', '>', slot('after'))}`,
    );
    await expect(frozen(suite.db, 'one', { after: new Date() })).rejects.toThrow('statement one: parameter $1 is a fixed value, not a slot');
  });

  it('refuses values that do not fill the slots one for one', async () => {
    // The compiler refuses these calls too (see the type-level test below); the checks here are for
    // values that come from untyped code.
    const insert = compiledStatement((_db, slot: SlotOf<Record<string, unknown>>) => sql`insert into rate_limits (key, tat) values (${slot('row.key')}, ${slot('row.tat')})`);
    const tat = new Date();
    await expect(insert(suite.db, 'insert', { 'row.key': 'k' })).rejects.toThrow('given row.key for slots row.key, row.tat');
    await expect(insert(suite.db, 'insert', { 'row.key': 'k', 'row.tat': tat, extra: 1 })).rejects.toThrow('given extra, row.key, row.tat');
    await expect(insert(suite.db, 'insert', { 'row.key': 'k', 'row.when': tat })).rejects.toThrow('no value for slot row.tat');
    expect(await suite.db.selectFrom('rate_limits').select('key').execute()).toEqual([]);
  });

  it('names a row’s slots and values by column, so whole rows can be inserted', async () => {
    const insert = compiledStatement((_db, slot: SlotOf<Prefixed<'limit', { key: string; tat: Date }>>) => {
      const row = slotRow(slot, 'limit', ['key', 'tat'] as const);
      return sql`insert into rate_limits (key, tat) values (${row.key}, ${row.tat})`;
    });
    const tat = new Date('2026-02-01T00:00:00Z');
    await insert(suite.db, 'row', rowValues('limit', { key: 'k', tat }));
    expect(await suite.db.selectFrom('rate_limits').selectAll().execute()).toEqual([{ key: 'k', tat }]);
  });

  it('refuses at compile time a slot or value that the statement’s values do not name', async () => {
    const byKey = compiledStatement((db, slot: SlotOf<{ key: string; after: Date }>) =>
      db.selectFrom('rate_limits').select('key').where('key', '=', slot('key')).where('tat', '>', slot('after')),
    );
    compiledStatement((db, slot: SlotOf<{ key: string }>) =>
      // @ts-expect-error: a misspelt slot name
      db.selectFrom('rate_limits').select('key').where('key', '=', slot('kee')),
    );
    compiledStatement((db, slot: SlotOf<{ key: number }>) =>
      // @ts-expect-error: a slot whose value has the wrong type for its column
      db.selectFrom('rate_limits').select('key').where('key', '=', slot('key')),
    );
    compiledStatement((_db, slot: SlotOf<Prefixed<'limit', { key: string }>>) =>
      // @ts-expect-error: a column the row's values do not have
      sql`${slotRow(slot, 'limit', ['key', 'tat'] as const).key}`,
    );
    // Checked by `pnpm typecheck`; the values that also reach the database are refused there too.
    // @ts-expect-error: a misspelt value
    const misspelt = byKey(suite.db, 'by-key', { key: 'k', afer: new Date() });
    // @ts-expect-error: a missing value
    const missing = byKey(suite.db, 'by-key', { key: 'k' });
    // @ts-expect-error: a value of the wrong type
    const wrongType = byKey(suite.db, 'by-key', { key: 'k', after: 'soon' });
    await expect(misspelt).rejects.toThrow('no value for slot after');
    await expect(missing).rejects.toThrow('given key for slots after, key');
    await expect(wrongType).rejects.toThrow('timestamp');
  });
});
