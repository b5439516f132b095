import { type Compilable, createQueryId, type CompiledQuery, type RawBuilder } from 'kysely';
import type { Executor } from '../users/user';

/** A value's stand-in while a statement is built: it passes through Kysely as one parameter. */
class Slot {
  constructor(readonly name: string) {}
}

/** Where the value called `name` goes; typed as the value, so Kysely's builders take it. */
export type SlotOf = <T = unknown>(name: string) => T;

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
 * the statement (docs/performance.md).
 *
 * `build` must take every value from `slot(name)`, and anything that changes the statement's text
 * from `shape`, which keys the cache. A statement compiled with any other parameter is refused (that
 * value would be frozen into every later call), and so is a call whose values do not fill its
 * slots one for one.
 */
export function compiledStatement<Shape extends string = string, Row = unknown>(build: (db: Executor, slot: SlotOf, shape: Shape) => Buildable<Row>) {
  return compiledStatementOf<Shape, Row>((shape) => shape, build);
}

/**
 * `compiledStatement` for a shape that is more than its name (e.g. the pieces a statement is put
 * together from): `keyOf` names the shape for the cache, and must tell apart every two shapes that
 * build different statements.
 */
export function compiledStatementOf<Shape, Row>(keyOf: (shape: Shape) => string, build: (db: Executor, slot: SlotOf, shape: Shape) => Buildable<Row>) {
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

  return async function run(db: Executor, shapeOf: Shape, values: Readonly<Record<string, unknown>>): Promise<Row[]> {
    const shape = keyOf(shapeOf);
    let byShape = cache.get(db);
    if (!byShape) cache.set(db, (byShape = new Map()));
    let compiled = byShape.get(shape);
    if (!compiled) byShape.set(shape, (compiled = compile(db, shapeOf, shape)));
    if (Object.keys(values).length !== compiled.distinct) {
      throw new Error(`statement ${shape}: given ${Object.keys(values).sort().join(', ')} for slots ${[...new Set(compiled.names)].sort().join(', ')}`);
    }
    const parameters = compiled.names.map((name) => {
      if (!(name in values)) throw new Error(`statement ${shape}: no value for slot ${name}`);
      return values[name];
    });
    const result = await db.executeQuery<Row>({ ...compiled.query, parameters, queryId: createQueryId() });
    return result.rows;
  };
}

/** Slots for a row's columns, named `<prefix>.<column>`, to build an insert of that row. */
export function slotRow<Column extends string>(slot: SlotOf, prefix: string, columns: readonly Column[]): Record<Column, unknown> {
  return Object.fromEntries(columns.map((c) => [c, slot(`${prefix}.${c}`)])) as Record<Column, unknown>;
}

/** A row's values under the names `slotRow` gives its columns. */
export function rowValues(prefix: string, row: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([column, value]) => [`${prefix}.${column}`, value]));
}
