import { type RawBuilder, sql } from 'kysely';
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
  const at = sql`${now}::timestamptz`;
  const admittedSoFar: RawBuilder<unknown>[] = [];
  const steps = checks.map((check, i) => {
    const step = sql`make_interval(secs => ${interval(check.rule)})`;
    const fits = (tat: RawBuilder<unknown>) => sql`greatest(${tat}, ${at}) + ${step} <= ${at} + make_interval(secs => ${check.rule.windowSeconds})`;
    const name = sql.id(`limit_${i}`);
    const guard = admittedSoFar.length > 0 ? sql`where ${sql.join(admittedSoFar, sql` and `)}` : sql``;
    const cte =
      check.mode === 'consume'
        ? sql`${name} as (
            insert into rate_limits as r (key, tat) select ${check.key}, ${at} + ${step} ${guard}
            on conflict (key) do update set tat = greatest(r.tat, ${at}) + ${step} where ${fits(sql`r.tat`)}
            returning 1)`
        : sql`${name} as (select 1 where not exists (select 1 from rate_limits where key = ${check.key} and not ${fits(sql`tat`)}))`;
    admittedSoFar.push(sql`exists (select 1 from ${name})`);
    return { cte, admitted: sql`exists (select 1 from ${name}) as ${sql.id(`admitted_${i}`)}` };
  });
  // tat as it was before this statement: for the refused check, the value that refused it.
  const tats = checks.map((check, i) => sql`(select tat from rate_limits where key = ${check.key}) as ${sql.id(`tat_${i}`)}`);
  const result = await sql<Record<string, boolean | Date | null>>`
    with ${sql.join(steps.map((s) => s.cte))}
    select ${sql.join([...steps.map((s) => s.admitted), ...tats])}`.execute(db);
  const row = result.rows[0] ?? {};
  const refused = checks.findIndex((_, i) => row[`admitted_${i}`] !== true);
  if (refused === -1) return { ok: true };
  const check = checks[refused]!;
  const tat = row[`tat_${refused}`];
  const decision = tat instanceof Date ? decide(tat, check.rule, now) : null;
  // The row changed while this statement ran; waiting one step is always enough.
  return decision && !decision.ok ? decision : { ok: false, retryAfterSeconds: Math.ceil(interval(check.rule)) };
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
