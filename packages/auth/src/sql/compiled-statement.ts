import { type Compilable, createQueryId, type CompiledQuery, type RawBuilder } from 'kysely';
import type { Executor } from '@app/db';

/** A value's stand-in while a statement is built: it passes through Kysely as one parameter. */
class Slot {
  constructor(readonly name: string) {}
}

/** The slot names of a statement's values (of every shape's, when the values differ by shape). */
export type SlotName<Values> = Values extends unknown ? keyof Values & string : never;

/** The type of the value a slot holds. */
export type SlotValue<Values, Name extends string> = Values extends unknown ? (Name extends keyof Values ? Values[Name] : never) : never;

/** Where the value called `name` goes; typed as the value, so Kysely's builders take it. */
export type SlotOf<Values> = <Name extends SlotName<Values>>(name: Name) => SlotValue<Values, Name>;

/** A query builder's statement, or an `sql` template's. */
type Buildable<Row> = Compilable<Row> | RawBuilder<Row>;

interface Compiled<Row> {
  query: CompiledQuery<Row>;
  /** The slot each parameter fills, in order (a name may fill several). */
  names: string[];
  distinct: number;
}

/**
 * A statement that Kysely builds and compiles once per database and shape, then runs with new
 * values each call. On the sign-in path, building and compiling cost the API more CPU than sending
 * the statement (docs/performance.md). Below it, `@app/db` names the statement for Postgres so the
 * server plans it once per connection too (packages/db/src/prepared-statements.ts).
 *
 * `build` must take every value from `slot(name)`, and anything that changes the statement's text
 * from `shape`, which keys the cache. Type `slot` as `SlotOf<Values>`: a slot name or value that is
 * not in `Values` then fails to compile. A statement compiled with any other parameter is refused
 * at run time (that value would be frozen into every later call), and so is a call whose values do
 * not fill its slots one for one.
 */
export function compiledStatement<Values extends object, Shape extends string = string, Row = unknown>(
  build: (db: Executor, slot: SlotOf<Values>, shape: Shape) => Buildable<Row>,
) {
  return compiledStatementOf<Values, Shape, Row>((shape) => shape, build);
}

/**
 * `compiledStatement` for a shape that is more than its name (e.g. the pieces a statement is put
 * together from): `keyOf` names the shape for the cache, and must tell apart every two shapes that
 * build different statements.
 */
export function compiledStatementOf<Values extends object, Shape, Row>(
  keyOf: (shape: Shape) => string,
  build: (db: Executor, slot: SlotOf<Values>, shape: Shape) => Buildable<Row>,
) {
  const cache = new WeakMap<Executor, Map<string, Compiled<Row>>>();

  function compile(db: Executor, shape: Shape, key: string): Compiled<Row> {
    const built = build(db, (name) => new Slot(name) as never, shape);
    const query = 'isRawBuilder' in built ? built.compile(db) : built.compile();
    const names = query.parameters.map((parameter, i) => {
      if (parameter instanceof Slot) return parameter.name;
      throw new Error(`statement ${key}: parameter $${i + 1} is a fixed value, not a slot`);
    });
    return { query, names, distinct: new Set(names).size };
  }

  return async function run(db: Executor, shape: Shape, values: Readonly<Values>): Promise<Row[]> {
    const key = keyOf(shape);
    let byKey = cache.get(db);
    if (!byKey) cache.set(db, (byKey = new Map()));
    let compiled = byKey.get(key);
    if (!compiled) byKey.set(key, (compiled = compile(db, shape, key)));
    const given: Readonly<Record<string, unknown>> = values;
    if (Object.keys(given).length !== compiled.distinct) {
      throw new Error(`statement ${key}: given ${Object.keys(given).sort().join(', ')} for slots ${[...new Set(compiled.names)].sort().join(', ')}`);
    }
    const parameters = compiled.names.map((name) => {
      if (!(name in given)) throw new Error(`statement ${key}: no value for slot ${name}`);
      return given[name];
    });
    const result = await db.executeQuery<Row>({ ...compiled.query, parameters, queryId: createQueryId() });
    return result.rows;
  };
}

/** A row's values under the slot names `slotRow` gives its columns: `<prefix>.<column>`. */
export type Prefixed<Prefix extends string, Row> = { [Column in keyof Row & string as `${Prefix}.${Column}`]: Row[Column] };

/** The columns whose slots a statement's values name under `prefix`. */
type ColumnsUnder<Values, Prefix extends string> = SlotName<Values> extends infer Name ? (Name extends `${Prefix}.${infer Column}` ? Column : never) : never;

/** Slots for a row's columns, named `<prefix>.<column>`, to build an insert of that row. */
export function slotRow<Values, Prefix extends string, Column extends ColumnsUnder<Values, Prefix>>(
  slot: SlotOf<Values>,
  prefix: Prefix,
  columns: readonly Column[],
): { [C in Column]: SlotValue<Values, `${Prefix}.${C}`> } {
  const named = slot as (name: string) => unknown;
  return Object.fromEntries(columns.map((column) => [column, named(`${prefix}.${column}`)])) as never;
}

/** A row's values under the names `slotRow` gives its columns. */
export function rowValues<Prefix extends string, Row extends object>(prefix: Prefix, row: Row): Prefixed<Prefix, Row> {
  return Object.fromEntries(Object.entries(row).map(([column, value]) => [`${prefix}.${column}`, value])) as never;
}
