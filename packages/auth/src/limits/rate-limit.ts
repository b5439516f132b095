import { type Expression, type RawBuilder, sql } from 'kysely';
import type { Executor } from '../users/user';

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
  /** SQL condition, evaluated in the same statement, for the check to apply at all (else it admits). */
  onlyIf?: RawBuilder<boolean>;
}

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
  const chain = limitChain(checks, now);
  const { rows } = await sql<Record<string, unknown>>`${chain.with} select ${sql.join(chain.columns)}`.execute(db);
  return chain.decideFrom(rows[0] ?? {});
}

/**
 * `checkLimits`, and in the same statement a read that does not depend on the decision (one round
 * trip instead of two on a hot path). `read` names its columns; a row whose first column is null
 * means the read found nothing.
 */
export async function checkLimitsAndRead<Row>(
  db: Executor,
  checks: readonly LimitCheck[],
  now: Date,
  read: { query: Expression<unknown>; columns: ReadonlyArray<keyof Row & string> },
): Promise<{ decision: LimitDecision; rows: Row[] }> {
  const chain = limitChain(checks, now);
  const readColumns = read.columns.map((c) => sql.ref(`found.${c}`));
  const { rows } = await sql<Record<string, unknown>>`
    ${chain.with}
    select ${sql.join([...chain.columns, ...readColumns])} from (select 1) as one left join lateral (${read.query}) as found on true`.execute(db);
  const first = read.columns[0]!;
  return { decision: chain.decideFrom(rows[0] ?? {}), rows: rows.filter((r) => r[first] != null) as Row[] };
}

function limitChain(checks: readonly LimitCheck[], now: Date) {
  const at = sql`${now}::timestamptz`;
  const admittedSoFar: RawBuilder<unknown>[] = [];
  const ctes: RawBuilder<unknown>[] = [];
  const columns: RawBuilder<unknown>[] = [];
  checks.forEach((check, i) => {
    const step = sql`make_interval(secs => ${interval(check.rule)})`;
    const fits = (tat: RawBuilder<unknown>) => sql`greatest(${tat}, ${at}) + ${step} <= ${at} + make_interval(secs => ${check.rule.windowSeconds})`;
    const name = sql.id(`limit_${i}`);
    const guards = [...admittedSoFar, ...(check.onlyIf ? [check.onlyIf] : [])];
    const where = guards.length > 0 ? sql`where ${sql.join(guards, sql` and `)}` : sql``;
    ctes.push(
      check.mode === 'consume'
        ? sql`${name} as (
            insert into rate_limits as r (key, tat) select ${check.key}, ${at} + ${step} ${where}
            on conflict (key) do update set tat = greatest(r.tat, ${at}) + ${step} where ${fits(sql`r.tat`)}
            returning 1)`
        : sql`${name} as (select 1 where not exists (select 1 from rate_limits where key = ${check.key} and not ${fits(sql`tat`)}))`,
    );
    const admitted = check.onlyIf ? sql`(exists (select 1 from ${name}) or not ${check.onlyIf})` : sql`exists (select 1 from ${name})`;
    admittedSoFar.push(admitted);
    // tat as it was before this statement: for the refused check, the value that refused it.
    columns.push(sql`${admitted} as ${sql.id(`admitted_${i}`)}`, sql`(select tat from rate_limits where key = ${check.key}) as ${sql.id(`tat_${i}`)}`);
  });
  const decideFrom = (row: Record<string, unknown>): LimitDecision => {
    const refused = checks.findIndex((_, i) => row[`admitted_${i}`] !== true);
    if (refused === -1) return { ok: true };
    const check = checks[refused]!;
    const tat = row[`tat_${refused}`];
    const decision = tat instanceof Date ? decide(tat, check.rule, now) : null;
    // The row changed while this statement ran; waiting one step is always enough.
    return decision && !decision.ok ? decision : { ok: false, retryAfterSeconds: Math.ceil(interval(check.rule)) };
  };
  return { with: ctes.length > 0 ? sql`with ${sql.join(ctes)}` : sql``, columns, decideFrom };
}

/** Records one event for `key` if the rule allows it; otherwise says how long to wait. */
export function consumeLimit(db: Executor, key: string, rule: LimitRule, now: Date): Promise<LimitDecision> {
  return checkLimits(db, [{ key, rule, mode: 'consume' }], now);
}

/** Whether one more event would be admitted, without recording it. */
export function peekLimit(db: Executor, key: string, rule: LimitRule, now: Date): Promise<LimitDecision> {
  return checkLimits(db, [{ key, rule, mode: 'peek' }], now);
}

/** Records an event against each key whether or not it fits (for failures that already happened). */
export async function chargeLimits(db: Executor, charges: readonly LimitCharge[], now: Date): Promise<void> {
  if (charges.length > 0) await chargeStatement(charges, now).execute(db);
}

export interface LimitCharge {
  key: string;
  rule: LimitRule;
}

/** The statement `chargeLimits` runs, to embed in a larger one (at least one charge). */
export function chargeStatement(charges: readonly LimitCharge[], now: Date) {
  const rows = charges.map((c) => sql`(${c.key}, ${interval(c.rule)}::float8)`);
  // excluded.tat - now is the key's own step.
  return sql`
    insert into rate_limits as r (key, tat)
    select key, ${now}::timestamptz + make_interval(secs => step) from (values ${sql.join(rows)}) as charge (key, step)
    on conflict (key) do update set tat = greatest(r.tat, ${now}::timestamptz) + (excluded.tat - ${now}::timestamptz)`;
}

function decide(tat: Date, rule: LimitRule, now: Date): LimitDecision {
  const next = Math.max(tat.getTime(), now.getTime()) + interval(rule) * 1000;
  const allowedUntil = now.getTime() + rule.windowSeconds * 1000;
  if (next <= allowedUntil) return { ok: true };
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((next - allowedUntil) / 1000)) };
}
