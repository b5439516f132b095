import type { Executor } from '@app/db';
import { sql } from 'kysely';
import { suppressedSql } from '../deliverability/suppressed';
import { OUTBOX_COLUMNS, queuedEmail } from '../delivery/outbox';
import { newSignInEmail } from '../emails/new-sign-in-email';
import { limitNetwork } from '../limits/client-ip';
import { addSeconds, type AuthDeps } from '../options';
import { describeDevice, deviceFamily } from '../sessions/device';

const DAY = 86_400;
/** A sign-in checked later than this (the workers were down, or notices were off) is not announced. */
const LATE_SECONDS = 3_600;
/** A notice still unsent a day after the sign-in is dropped: it would only confuse. */
const NOTICE_LIFETIME_SECONDS = DAY;
/** Devices remembered per sign-in checked: a user's most recent distinct ones. */
const MAX_HISTORY = 500;

// A VALUES list has no column types of its own.
const OUTBOX_TYPES: Record<(typeof OUTBOX_COLUMNS)[number], string> = {
  kind: 'text',
  recipient: 'text',
  subject: 'text',
  text_body: 'text',
  html_body: 'text',
  user_id: 'uuid',
  created_at: 'timestamptz',
  not_after: 'timestamptz',
  next_attempt_at: 'timestamptz',
};

export interface NewSignInReport {
  /** Sign-ins looked at (each once, whichever instance looked). */
  checked: number;
  /** Notices queued. */
  notified: number;
}

interface Candidate {
  id: string;
  user_id: string | null;
  ip: string | null;
  user_agent: string | null;
  created_at: Date;
  email: string | null;
  timezone: string | null;
  status: string | null;
  first_sign_in: boolean | null;
  suppressed: boolean;
  /** [ip, user agent] pairs of the user's sign-ins and live sessions in the window before this one. */
  seen: Array<[string | null, string | null]>;
}

export type NoticeDecision = 'notify' | 'first_sign_in' | 'known_device' | 'late' | 'no_user' | 'suppressed';

/**
 * Whether one sign-in earns a notice: a device (browser and system, whatever their versions) and
 * network pair not seen in the window.
 */
export function decideNotice(candidate: Candidate, now: Date): NoticeDecision {
  if (candidate.user_id === null || candidate.email === null || candidate.status !== 'active') return 'no_user';
  if (candidate.first_sign_in) return 'first_sign_in';
  if (candidate.created_at < addSeconds(now, -LATE_SECONDS)) return 'late';
  const device = deviceFamily(candidate.user_agent);
  const network = limitNetwork(candidate.ip);
  if (candidate.seen.some(([ip, userAgent]) => deviceFamily(userAgent) === device && limitNetwork(ip) === network)) return 'known_device';
  return candidate.suppressed ? 'suppressed' : 'notify';
}

/**
 * The sign-ins not looked at yet (a partial index holds only those), oldest first, each with the
 * devices its user signed in from or kept a session on in the `knownForDays` before it. The first
 * sign-in of an account is the one that activated it (the sign-in statement sets both to one moment).
 */
function readCandidates(db: Executor, deps: AuthDeps, limit: number) {
  const window = sql`make_interval(days => ${deps.options.newSignInNotice.knownForDays})`;
  return sql<Candidate>`
    select a.id, a.subject_user_id as user_id, a.ip, a.user_agent, a.created_at,
      u.email, u.timezone, u.status, u.activated_at = a.created_at as first_sign_in,
      ${suppressedSql(sql.ref('u.email'))} as suppressed,
      coalesce((
        select jsonb_agg(jsonb_build_array(h.ip, h.user_agent)) from (
          select used.ip, used.user_agent from (
            select s.ip, s.user_agent, s.last_seen_at as at from sessions s
            where s.user_id = a.subject_user_id and s.created_at < a.created_at and s.last_seen_at >= a.created_at - ${window}
            union all
            select e.ip, e.user_agent, e.created_at as at from audit_events e
            where e.subject_user_id = a.subject_user_id and e.type = 'sign_in_succeeded' and e.id < a.id and e.created_at >= a.created_at - ${window}
          ) as used
          group by used.ip, used.user_agent
          order by max(used.at) desc
          limit ${MAX_HISTORY}) as h), '[]'::jsonb) as seen
    from audit_events a left join users u on u.id = a.subject_user_id
    where a.type = 'sign_in_succeeded' and a.new_sign_in_checked_at is null
    order by a.id
    limit ${limit}`.execute(db);
}

/**
 * Looks at the sign-ins since the last pass and queues a "New sign-in" email for each from a device
 * and network its user has not used lately, off the sign-in's request path (it reads the audit row
 * the sign-in wrote). Exactly once, with several instances: the sign-ins are claimed by one
 * conditional update (`… where new_sign_in_checked_at is null`) in the statement that queues the
 * emails, so an instance that read the same sign-ins concurrently claims none of them and queues
 * nothing. Two statements per batch; one when there is nothing to look at.
 */
export async function queueNewSignInNotices(db: Executor, deps: AuthDeps, batchSize = 50): Promise<NewSignInReport> {
  const { rows } = await readCandidates(db, deps, batchSize);
  if (rows.length === 0) return { checked: 0, notified: 0 };
  const now = deps.now();
  const notices = rows.filter((c) => decideNotice(c, now) === 'notify');
  const { options } = deps;
  const emails = notices.map((c) => {
    const email = queuedEmail({
      kind: 'new_sign_in',
      recipient: c.email!,
      userId: c.user_id,
      content: newSignInEmail({
        appName: options.appName,
        appUrl: options.appUrl,
        device: describeDevice(c.user_agent),
        network: limitNetwork(c.ip),
        at: c.created_at,
        timezone: c.timezone,
      }),
      notAfter: addSeconds(c.created_at, NOTICE_LIFETIME_SECONDS),
      now,
    });
    return sql`(${c.id}::bigint, ${sql.join(OUTBOX_COLUMNS.map((column) => sql`${email[column]}::${sql.raw(OUTBOX_TYPES[column])}`))})`;
  });
  const ids = rows.map((c) => sql`${c.id}::bigint`);
  const queue =
    emails.length > 0
      ? sql`, outbox as (
          insert into email_outbox (${sql.join(OUTBOX_COLUMNS.map((c) => sql.ref(c)))})
          select ${sql.join(OUTBOX_COLUMNS.map((c) => sql.ref(`notice.${c}`)))}
          from (values ${sql.join(emails)}) as notice (audit_id, ${sql.join(OUTBOX_COLUMNS.map((c) => sql.ref(c)))})
          join checked on checked.id = notice.audit_id
          returning id)`
      : sql``;
  const { rows: written } = await sql<{ checked: number; notified: number }>`
    with checked as (
      update audit_events set new_sign_in_checked_at = ${now}
      where id in (${sql.join(ids)}) and new_sign_in_checked_at is null
      returning id)${queue}
    select (select count(*)::int from checked) as checked, ${emails.length > 0 ? sql`(select count(*)::int from outbox)` : sql`0`} as notified`.execute(db);
  const report = written[0] ?? { checked: 0, notified: 0 };
  if (report.notified > 0) deps.log({ event: 'new sign-in notices queued', notified: report.notified, checked: report.checked });
  return report;
}
