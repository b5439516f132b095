import { sql } from 'kysely';
import type { Executor } from '../users/user';

/** At most `limit` events per `windowSeconds`, with the allowance refilling steadily. */
export interface LimitRule {
  limit: number;
  windowSeconds: number;
}

export type LimitDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

/*
 * GCRA (the token bucket as one timestamp per key, kept in Postgres so every instance shares it).
 * Each event pushes the key's "theoretical arrival time" (tat) forward by window/limit; an event is
 * admitted while tat stays within one window of now. One atomic upsert decides and records.
 */
function interval(rule: LimitRule): number {
  return rule.windowSeconds / rule.limit;
}

/** Records one event for `key` if the rule allows it; otherwise says how long to wait. */
export async function consumeLimit(db: Executor, key: string, rule: LimitRule, now: Date): Promise<LimitDecision> {
  const step = interval(rule);
  const admitted = await sql<{ tat: Date }>`
    insert into rate_limits as r (key, tat)
    values (${key}, ${now}::timestamptz + make_interval(secs => ${step}))
    on conflict (key) do update
      set tat = greatest(r.tat, ${now}::timestamptz) + make_interval(secs => ${step})
      where greatest(r.tat, ${now}::timestamptz) + make_interval(secs => ${step})
            <= ${now}::timestamptz + make_interval(secs => ${rule.windowSeconds})
    returning tat`.execute(db);
  if (admitted.rows.length > 0) return { ok: true };
  return refusal(db, key, rule, now);
}

/** Whether one more event would be admitted, without recording it. */
export async function peekLimit(db: Executor, key: string, rule: LimitRule, now: Date): Promise<LimitDecision> {
  const row = await db.selectFrom('rate_limits').select('tat').where('key', '=', key).executeTakeFirst();
  if (!row) return { ok: true };
  return decide(row.tat, rule, now);
}

/** Records an event whether or not it fits (for failures that already happened). */
export async function chargeLimit(db: Executor, key: string, rule: LimitRule, now: Date): Promise<void> {
  const step = interval(rule);
  await sql`
    insert into rate_limits as r (key, tat)
    values (${key}, ${now}::timestamptz + make_interval(secs => ${step}))
    on conflict (key) do update set tat = greatest(r.tat, ${now}::timestamptz) + make_interval(secs => ${step})`.execute(db);
}

async function refusal(db: Executor, key: string, rule: LimitRule, now: Date): Promise<LimitDecision> {
  const row = await db.selectFrom('rate_limits').select('tat').where('key', '=', key).executeTakeFirst();
  const decision = row ? decide(row.tat, rule, now) : null;
  // The row changed between the two statements; waiting one step is always enough.
  return decision && !decision.ok ? decision : { ok: false, retryAfterSeconds: Math.ceil(interval(rule)) };
}

function decide(tat: Date, rule: LimitRule, now: Date): LimitDecision {
  const next = Math.max(tat.getTime(), now.getTime()) + interval(rule) * 1000;
  const allowedUntil = now.getTime() + rule.windowSeconds * 1000;
  if (next <= allowedUntil) return { ok: true };
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((next - allowedUntil) / 1000)) };
}
