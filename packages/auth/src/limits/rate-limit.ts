import { type Expression, type RawBuilder, sql } from 'kysely';
import { compiledStatementOf, type SlotOf } from '../sql/compiled-statement';
import type { Executor } from '@app/db';

/** At most `limit` events per `windowSeconds`, with the allowance refilling steadily. */
export interface LimitRule {
  limit: number;
  windowSeconds: number;
}

export type LimitDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

/** One limit to ask about: `consume` records the event if admitted, `peek` only asks. */
export interface LimitCheck {
  key: string;
  rule: LimitRule;
  mode: 'consume' | 'peek';
  /** A condition, evaluated in the same statement, for the check to apply at all (else it admits). */
  onlyIf?: AnyFragment<boolean>;
}

/**
 * A piece of SQL written with slots (so the statement it joins is compiled once, see
 * `compiledStatement`) and the values for them. `name` tells apart pieces that differ. Slot names
 * are shared by the whole statement: two pieces may use one name only for one value (e.g. `now`).
 */
export interface Fragment<T, Values extends object> {
  name: string;
  sql: (slot: SlotOf<Values>) => Expression<T>;
  values: Values;
}

/** A fragment whatever its values: the statement that joins fragments names its slots at run time. */
type AnyFragment<T> = Fragment<T, any>;

/*
 * GCRA (the token bucket as one timestamp per key, kept in Postgres so every instance shares it).
 * Each event pushes the key's "theoretical arrival time" (tat) forward by window/limit; an event is
 * admitted while tat stays within one window of now. One atomic upsert decides and records.
 */
function interval(rule: LimitRule): number {
  return rule.windowSeconds / rule.limit;
}

/**
 * Asks several limits in one statement, in order: a check is made only while every check before it
 * admitted, so a refused request never spends the allowances after the one that refused it.
 * Returns the first refusal.
 */
export async function checkLimits(db: Executor, checks: readonly LimitCheck[], now: Date): Promise<LimitDecision> {
  if (checks.length === 0) return { ok: true };
  return (await checkLimitsAndRead(db, checks, now)).decision;
}

/** A read to make in the statement that asks the limits: its query (a fragment) and its columns. */
export interface LimitRead<Row, Values extends object> extends Fragment<unknown, Values> {
  /** The read's columns; a row whose first column is null means the read found nothing. */
  columns: ReadonlyArray<keyof Row & string>;
}

/**
 * `checkLimits`, and in the same statement a read that does not depend on the decision (one round
 * trip instead of two on a hot path).
 */
export async function checkLimitsAndRead<Row, ReadValues extends object>(
  db: Executor,
  checks: readonly LimitCheck[],
  now: Date,
  read?: LimitRead<Row, ReadValues>,
): Promise<{ decision: LimitDecision; rows: Row[] }> {
  const values: Record<string, unknown> = { now, ...read?.values };
  checks.forEach((check, i) => {
    Object.assign(values, { [`key${i}`]: check.key, [`step${i}`]: interval(check.rule), [`window${i}`]: check.rule.windowSeconds }, check.onlyIf?.values);
  });
  const rows = await limitsStatement(db, { checks, read }, values);
  const first = read?.columns[0];
  return { decision: decide(checks, rows[0] ?? {}, now), rows: first ? (rows.filter((r) => r[first] != null) as Row[]) : [] };
}

interface LimitsShape {
  checks: readonly LimitCheck[];
  read: { name: string; sql: AnyFragment<unknown>['sql']; columns: readonly string[] } | undefined;
}

const limitsStatement = compiledStatementOf<Record<string, unknown>, LimitsShape, Record<string, unknown>>(
  ({ checks, read }) => `limits:${checks.map((c) => c.mode + (c.onlyIf ? `?${c.onlyIf.name}` : '')).join(',')}:${read?.name ?? ''}`,
  (db, slot, { checks, read }) => {
    const now = sql`${slot('now')}::timestamptz`;
    const admittedSoFar: RawBuilder<unknown>[] = [];
    const ctes: RawBuilder<unknown>[] = [];
    const columns: RawBuilder<unknown>[] = [];
    checks.forEach((check, i) => {
      const key = slot(`key${i}`);
      const step = sql`make_interval(secs => ${slot(`step${i}`)})`;
      const fits = (tat: RawBuilder<unknown>) => sql`greatest(${tat}, ${now}) + ${step} <= ${now} + make_interval(secs => ${slot(`window${i}`)})`;
      const name = sql.id(`limit_${i}`);
      const onlyIf = check.onlyIf?.sql(slot);
      const guards = [...admittedSoFar, ...(onlyIf ? [onlyIf] : [])];
      const where = guards.length > 0 ? sql`where ${sql.join(guards, sql` and `)}` : sql``;
      ctes.push(
        check.mode === 'consume'
          ? sql`${name} as (
              insert into rate_limits as r (key, tat) select ${key}, ${now} + ${step} ${where}
              on conflict (key) do update set tat = greatest(r.tat, ${now}) + ${step} where ${fits(sql`r.tat`)}
              returning 1)`
          : sql`${name} as (select 1 where not exists (select 1 from rate_limits where key = ${key} and not ${fits(sql`tat`)}))`,
      );
      // Parenthesised: a condition of several terms (`a and b`) is negated whole.
      const admitted = onlyIf ? sql`(exists (select 1 from ${name}) or not (${onlyIf}))` : sql`exists (select 1 from ${name})`;
      admittedSoFar.push(admitted);
      // tat as it was before this statement: for the refused check, the value that refused it.
      columns.push(sql`${admitted} as ${sql.id(`admitted_${i}`)}`, sql`(select tat from rate_limits where key = ${key}) as ${sql.id(`tat_${i}`)}`);
    });
    const withClause = ctes.length > 0 ? sql`with ${sql.join(ctes)}` : sql``;
    if (!read) return sql`${withClause} select ${sql.join(columns)}`;
    const readColumns = read.columns.map((c) => sql.ref(`found.${c}`));
    return sql`
      ${withClause}
      select ${sql.join([...columns, ...readColumns])} from (select 1) as one left join lateral (${read.sql(slot)}) as found on true`;
  },
);

function decide(checks: readonly LimitCheck[], row: Record<string, unknown>, now: Date): LimitDecision {
  const refused = checks.findIndex((_, i) => row[`admitted_${i}`] !== true);
  if (refused === -1) return { ok: true };
  const check = checks[refused]!;
  const tat = row[`tat_${refused}`];
  const decision = tat instanceof Date ? decideTat(tat, check.rule, now) : null;
  // The row changed while this statement ran; waiting one step is always enough.
  return decision && !decision.ok ? decision : { ok: false, retryAfterSeconds: Math.ceil(interval(check.rule)) };
}

export interface LimitCharge {
  key: string;
  rule: LimitRule;
}

/** A charge's values: each charge's key and step under its name, and `now`. */
export type ChargeValues<Name extends string> = { now: Date } & { [N in Name as `${N}.key`]: string } & { [N in Name as `${N}.step`]: number };

export function chargeValues<Name extends string>(charges: Readonly<Record<Name, LimitCharge>>, now: Date): ChargeValues<Name> {
  const values: Record<string, unknown> = { now };
  for (const [name, charge] of Object.entries<LimitCharge>(charges)) Object.assign(values, { [`${name}.key`]: charge.key, [`${name}.step`]: interval(charge.rule) });
  return values as ChargeValues<Name>;
}

/**
 * Records an event against each named charge's key whether or not it fits (for failures that
 * already happened): a statement to embed in a larger one (at least one charge), with its values
 * from `chargeValues`.
 */
export function chargeStatement<Name extends string, Values extends ChargeValues<Name>>(slot: SlotOf<Values>, names: readonly Name[]) {
  // The slot names are built from `Name`, which ChargeValues spells out.
  const named = slot as (name: string) => unknown;
  const rows = names.map((name) => sql`(${named(`${name}.key`)}, ${named(`${name}.step`)}::float8)`);
  const now = sql`${named('now')}::timestamptz`;
  // excluded.tat - now is the key's own step.
  return sql`
    insert into rate_limits as r (key, tat)
    select key, ${now} + make_interval(secs => step) from (values ${sql.join(rows)}) as charge (key, step)
    on conflict (key) do update set tat = greatest(r.tat, ${now}) + (excluded.tat - ${now})`;
}

function decideTat(tat: Date, rule: LimitRule, now: Date): LimitDecision {
  const next = Math.max(tat.getTime(), now.getTime()) + interval(rule) * 1000;
  const allowedUntil = now.getTime() + rule.windowSeconds * 1000;
  if (next <= allowedUntil) return { ok: true };
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((next - allowedUntil) / 1000)) };
}
