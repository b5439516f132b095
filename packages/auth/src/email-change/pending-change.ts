import type { Executor } from '@app/db';
import { sql } from 'kysely';
import { suppressedSql } from '../deliverability/suppressed';
import type { LimitRead } from '../limits/rate-limit';
import type { SlotOf } from '../sql/compiled-statement';

/*
 * A session's email change is its newest `email_change` attempt, newest by its latest code (codes
 * are numbered in order; two attempts can share a timestamp): asking for another address makes
 * that one the change, and the confirm only ever reads it.
 */
function newestChange(db: Executor, sessionId: unknown) {
  return db
    .selectFrom('sign_in_attempts as a')
    .innerJoinLateral(
      (eb) => eb.selectFrom('sign_in_codes as c').select((s) => s.fn.max('c.id').as('last_code')).whereRef('c.attempt_id', '=', 'a.id').as('c'),
      (join) => join.onTrue(),
    )
    .where('a.session_id', '=', sessionId as string)
    .where('a.kind', '=', sql.lit('email_change'))
    .orderBy('c.last_code', (ob) => ob.desc().nullsLast())
    .limit(sql.lit(1));
}

type TargetValues = { email: string; sessionId: string; now: Date };

export interface ChangeTarget {
  found: boolean;
  /** The new address already belongs to an account. */
  taken: boolean;
  /** The new address is suppressed: no email reaches it. */
  suppressed: boolean;
  /** The session's current change, if it is live and for this address (a resend renews it). */
  renewable_id: string | null;
}

/**
 * What a change request needs to know, read in the statement that asks its limits: whether the
 * address is taken or suppressed, and the session's live change to it. The same read whatever
 * the answers, so a taken address costs what a free one does.
 */
export function changeTarget(db: Executor, sessionId: string, email: string, now: Date): LimitRead<ChangeTarget, TargetValues> {
  return {
    name: 'email-change-target',
    sql: (slot: SlotOf<TargetValues>) =>
      sql`select true as found,
        exists (select 1 from users where email = ${slot('email')}) as taken,
        ${suppressedSql(slot('email'))} as suppressed,
        (select n.id from (${newestChange(db, slot('sessionId')).select(['a.id', 'a.email', 'a.consumed_at', 'a.voided_at', 'a.expires_at'])}) as n
          where n.email = ${slot('email')} and n.consumed_at is null and n.voided_at is null and n.expires_at > ${slot('now')}) as renewable_id`,
    values: { email, sessionId, now },
    columns: ['found', 'taken', 'suppressed', 'renewable_id'],
  };
}

/** The session's current change (its attempt and new address), if it has one. */
export async function findPendingChange(db: Executor, sessionId: string): Promise<{ id: string; email: string } | null> {
  return (await newestChange(db, sessionId).select(['a.id', 'a.email']).executeTakeFirst()) ?? null;
}
