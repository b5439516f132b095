import { describe, expect, it } from 'vitest';
import { isStalePreparedStatement, StatementNames } from './prepared-statements';

describe('StatementNames', () => {
  it('names a statement from its second run on, always with the same name', () => {
    const names = new StatementNames();
    const sql = 'select "id" from "users" where "email" = $1';
    expect(names.nameFor(sql)).toBeUndefined();
    const name = names.nameFor(sql);
    expect(name).toBeDefined();
    expect(names.nameFor(sql)).toBe(name);
  });

  it('gives different statements different names', () => {
    const names = new StatementNames();
    for (const sql of ['select 1', 'select 2', 'select 1', 'select 2']) names.nameFor(sql);
    expect(names.nameFor('select 1')).not.toBe(names.nameFor('select 2'));
  });

  it('never names a statement that selects or returns *', () => {
    const names = new StatementNames();
    for (let i = 0; i < 3; i += 1) expect(names.nameFor('update "email_outbox" set "attempts" = 1 returning *')).toBeUndefined();
  });

  it('stops naming new statements at the cap, keeping the names it gave', () => {
    const names = new StatementNames(1, 10);
    names.nameFor('select 1');
    const first = names.nameFor('select 1');
    names.nameFor('select 2');
    expect(names.nameFor('select 2')).toBeUndefined();
    expect(names.nameFor('select 1')).toBe(first);
  });
});

describe('isStalePreparedStatement', () => {
  it("recognises Postgres's refusal to run a plan whose result type changed", () => {
    expect(isStalePreparedStatement({ code: '0A000', message: 'cached plan must not change result type' })).toBe(true);
    expect(isStalePreparedStatement({ code: '0A000', message: 'something else' })).toBe(false);
    expect(isStalePreparedStatement(new Error('cached plan must not change result type'))).toBe(false);
  });
});
