import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { compiledStatement, rowValues, slotRow } from '../src/sql/compiled-statement';
import { useDatabaseSuite } from './helpers';

const suite = useDatabaseSuite();

describe('statements compiled once', () => {
  it('builds a statement once per shape and runs it with each call’s values', async () => {
    let builds = 0;
    const limitKeys = compiledStatement<'all' | 'later', { key: string }>((db, slot, shape) => {
      builds += 1;
      const query = db.selectFrom('rate_limits').select('key').where('tat', '>=', slot<Date>('from')).orderBy('key');
      return sql`${shape === 'later' ? query.where('tat', '>', slot<Date>('after')) : query}`;
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
    const frozen = compiledStatement<'one', { key: string }>((db, slot) =>
      sql`${db.selectFrom('rate_limits').select('key').where('key', '=', 'fixed').where('tat', '>', slot<Date>('after'))}`,
    );
    await expect(frozen(suite.db, 'one', { after: new Date() })).rejects.toThrow('statement one: parameter $1 is a fixed value, not a slot');
  });

  it('refuses values that do not fill the slots one for one', async () => {
    const insert = compiledStatement<'insert', never>((_db, slot) => sql`insert into rate_limits (key, tat) values (${slot('row.key')}, ${slot('row.tat')})`);
    const tat = new Date();
    await expect(insert(suite.db, 'insert', { 'row.key': 'k' })).rejects.toThrow('given row.key for slots row.key, row.tat');
    await expect(insert(suite.db, 'insert', { 'row.key': 'k', 'row.tat': tat, extra: 1 })).rejects.toThrow('given extra, row.key, row.tat');
    await expect(insert(suite.db, 'insert', { 'row.key': 'k', 'row.when': tat })).rejects.toThrow('no value for slot row.tat');
    expect(await suite.db.selectFrom('rate_limits').select('key').execute()).toEqual([]);
  });

  it('names a row’s slots and values by column, so whole rows can be inserted', async () => {
    const insert = compiledStatement<'row', never>((_db, slot) => {
      const row = slotRow(slot, 'limit', ['key', 'tat'] as const);
      return sql`insert into rate_limits (key, tat) values (${row.key}, ${row.tat})`;
    });
    const tat = new Date('2026-02-01T00:00:00Z');
    await insert(suite.db, 'row', rowValues('limit', { key: 'k', tat }));
    expect(await suite.db.selectFrom('rate_limits').selectAll().execute()).toEqual([{ key: 'k', tat }]);
  });
});
