import type { AttemptKind, Database, Executor } from '@app/db';
import { sql } from 'kysely';
import { suppressedSql } from '../deliverability/suppressed';
import { parseEmail } from '../email-address';
import { checkLimitsAndRead, type Fragment, type LimitRead } from '../limits/rate-limit';
import { codeRequestChecks } from '../limits/sign-in-limits';
import { addSeconds, type AuthDeps, type RequestMeta } from '../options';
import { fail, type Failure } from '../reasons';
import type { SlotOf } from '../sql/compiled-statement';
import { parseToken, secretMatches } from '../tokens';
import { type User, userColumns, type UserFields, userFields, userRowToUser } from '../users/user';
import { generateCode } from './code';
import { generateLinkToken } from './link';
import { writeCode } from './write-code';

export interface RequestCodeInput {
  email: unknown;
  /** The browser's sign-in-attempt cookie, if it has one. */
  attemptToken: string | undefined;
  meta: RequestMeta;
}

export interface CodeRequested {
  ok: true;
  email: string;
  /** Digits in the code (AUTH_CODE_LENGTH), so the form can say how many to type. */
  codeLength: number;
  expiresInSeconds: number;
  resendAfterSeconds: number;
  /** Cookie value binding the code to this browser, and when it lapses. */
  attempt: { token: string; expiresAt: Date };
  /** The queued email, or null when none is sent (an unknown email that is not revealed). */
  outboxId: string | null;
}

export type RequestCodeResult =
  | CodeRequested
  | Failure<'missing_email' | 'invalid_email' | 'not_registered' | 'rate_limited' | 'email_undeliverable'>;

/**
 * Issues a sign-in code and queues the email that carries it. A browser that already has a live
 * attempt for the same email gets a new code on the same attempt, and its recent codes stay valid.
 * With registration not revealed, an unknown or deactivated email takes the same path and answer,
 * but no email is sent and nothing can verify. A suppressed address (the provider reported that
 * email to it bounces, or its owner complained) is told `email_undeliverable` when registration is
 * revealed; otherwise it is answered like any other and, like a decoy, sent nothing.
 *
 * The limits are asked in the statement that reads the user and the address's suppression, and the attempt, code, email and audit
 * row are written together; the statement counts are in docs/performance.md.
 */
export async function requestCode(db: Database, deps: AuthDeps, input: RequestCodeInput): Promise<RequestCodeResult> {
  const parsed = parseEmail(input.email);
  if (!parsed.ok) return parsed;
  const { email } = parsed;
  const { options } = deps;
  const now = deps.now();

  // The user and the address's suppression are read in the statement that asks the limits.
  const { decision, rows } = await checkLimitsAndRead(
    db,
    codeRequestChecks(deps, input.meta.ip, email, sendsCodeTo(db, email, options)),
    now,
    userAndSuppressionByEmail(db, email),
  );
  if (!decision.ok) return fail('rate_limited', decision.retryAfterSeconds);
  const read = rows[0];
  // A user was found when the row has their id; their other columns are then set too.
  const user = read?.id ? userRowToUser(read as UserFields) : null;
  const suppressed = read?.suppressed === true;
  const userKind = attemptKindFor(user, options.signup);
  if (options.revealUnregistered && userKind === 'decoy') return fail('not_registered');
  if (options.revealUnregistered && suppressed) return fail('email_undeliverable');
  const kind = suppressed ? 'decoy' : userKind;

  const expiresAt = addSeconds(now, options.code.ttlSeconds);
  const code = generateCode(deps.randomBytes, options.code.length);
  // A decoy gets a link too, so every path does the same work.
  const linkToken = options.emailLink ? generateLinkToken(deps.randomBytes) : null;
  // A suppressed address's attempt is a decoy: it names no user, so nothing can verify it.
  const userId = suppressed ? null : (user?.id ?? null);
  const issue = { input, email, kind, userId, subjectUserId: user?.id ?? null, suppressed, code, linkToken, now, expiresAt };
  const live = await findLiveAttempt(db, input.attemptToken, email, now);
  const renewed = live && (await writeCode(db, deps, { ...issue, attempt: live }));
  if (renewed) return renewed;
  const started = await writeCode(db, deps, { ...issue, attempt: null });
  if (!started) throw new Error('a new sign-in attempt was not written');
  return started;
}

type UserAndSuppression = { suppressed: boolean } & { [K in keyof UserFields]: UserFields[K] | null };

/** One row whatever is found: whether the address is suppressed, and its user's columns (null when none). */
function userAndSuppressionByEmail(db: Executor, email: string): LimitRead<UserAndSuppression, ByEmail> {
  return {
    name: 'user-and-suppression-by-email',
    sql: (slot) => sql`
      select ${suppressedSql(slot('email'))} as suppressed, ${sql.join(userColumns.map((c) => sql.ref(c)))}
      from (select 1) as asked left join users on users.email = ${slot('email')}`,
    values: { email },
    columns: ['suppressed', ...userFields],
  };
}

type ByEmail = { email: string };

/**
 * In SQL, whether this request will be sent a code or told `not_registered` or
 * `email_undeliverable` (`attemptKindFor` and the suppression in the database): only then are the
 * email's allowances spent. With registration not revealed every request looks alike, so every one
 * spends them.
 */
function sendsCodeTo(db: Executor, email: string, options: AuthDeps['options']): Fragment<boolean, ByEmail> | undefined {
  if (!options.revealUnregistered) return undefined;
  const users = (slot: SlotOf<ByEmail>) => db.selectFrom('users').select('id').where('email', '=', slot('email'));
  const deliverable = (slot: SlotOf<ByEmail>) => sql<boolean>`not ${suppressedSql(slot('email'))}`;
  return options.signup === 'open'
    ? {
        name: 'unless-deactivated-or-suppressed',
        sql: (slot) => sql<boolean>`not exists (${users(slot).where('status', '=', sql.lit('deactivated'))}) and ${deliverable(slot)}`,
        values: { email },
      }
    : {
        name: 'if-registered-and-deliverable',
        sql: (slot) => sql<boolean>`exists (${users(slot).where('status', '!=', sql.lit('deactivated'))}) and ${deliverable(slot)}`,
        values: { email },
      };
}

function attemptKindFor(user: User | null, signup: AuthDeps['options']['signup']): AttemptKind {
  if (user) return user.status === 'deactivated' ? 'decoy' : 'sign_in';
  return signup === 'open' ? 'sign_up' : 'decoy';
}

/** The browser's attempt, if its cookie is right and the attempt is live and for this email. */
async function findLiveAttempt(db: Executor, attemptToken: string | undefined, email: string, now: Date): Promise<{ id: string; token: string } | null> {
  const token = parseToken(attemptToken);
  if (!token) return null;
  const row = await db
    .selectFrom('sign_in_attempts')
    .select(['id', 'secret_hash', 'email', 'expires_at', 'voided_at', 'consumed_at'])
    .where('id', '=', token.id)
    .executeTakeFirst();
  const live =
    row !== undefined &&
    secretMatches(token.secret, row.secret_hash) &&
    row.email === email &&
    row.voided_at === null &&
    row.consumed_at === null &&
    row.expires_at > now;
  return live ? { id: row.id, token: `${token.id}.${token.secret}` } : null;
}
