import { sql } from 'kysely';
import { limitNetwork } from '../limits/client-ip';
import type { RequestMeta } from '../options';
import type { DomainReason } from '../reasons';
import type { Executor } from '@app/db';
import { auditRow } from './audit';

/**
 * Refusals that show probing and spraying, so they reach the audit log (ASVS 16.3.2/16.3.3): an
 * unknown address, a limit reached, and a suppressed address (each of the first and last confirms
 * something about an address to whoever asked).
 */
export const AUDITED_REFUSALS = ['not_registered', 'rate_limited', 'email_undeliverable'] as const satisfies readonly DomainReason[];
export type AuditedRefusal = (typeof AUDITED_REFUSALS)[number];

export function isAuditedRefusal(reason: DomainReason): reason is AuditedRefusal {
  return (AUDITED_REFUSALS as readonly DomainReason[]).includes(reason);
}

/** Refusals are counted per minute: one audit row per procedure, network and reason in each. */
export const REFUSAL_BUCKET_SECONDS = 60;

/**
 * Counts a refusal in the audit log: the first refusal of a minute for a procedure, client network
 * and reason writes a `requests_refused` row, the next ones raise its count. So an attack adds at
 * most one row a minute per network it uses, however fast it sends (the table and the disk cannot
 * be flooded), and the audit log still says who was refused, how often and when. The row is dated
 * by the minute's first refusal, so it sorts among the events around it.
 */
export async function recordRefusal(
  db: Executor,
  input: { reason: AuditedRefusal; procedure: string; meta: RequestMeta; at: Date },
): Promise<void> {
  const { reason, procedure, meta } = input;
  // IPv6 clients count by their /64, as the limits do: one host holds millions of addresses.
  const network = limitNetwork(meta.ip) ?? meta.ip ?? 'unknown';
  const bucketMs = REFUSAL_BUCKET_SECONDS * 1000;
  const minute = new Date(Math.floor(input.at.getTime() / bucketMs) * bucketMs);
  const row = auditRow({ type: 'requests_refused', meta, data: { reason, procedure, network, count: 1 }, at: input.at });
  await db
    .insertInto('audit_events')
    .values({ ...row, refusal_bucket: `${minute.toISOString()} ${reason} ${procedure} ${network}` })
    .onConflict((oc) =>
      oc.column('refusal_bucket').doUpdateSet({ data: sql`jsonb_set(audit_events.data, '{count}', to_jsonb((audit_events.data->>'count')::int + 1))` }),
    )
    .execute();
}
