import type { AttemptKind, Database } from '@app/db';
import { sql } from 'kysely';
import { AUDIT_COLUMNS, auditRow } from '../audit/audit';
import { OUTBOX_COLUMNS, queuedEmail } from '../delivery/outbox';
import { parseEmail } from '../email-address';
import { signInCodeEmail } from '../emails/sign-in-code-email';
import { checkLimitsAndRead, type Fragment } from '../limits/rate-limit';
import { codeRequestChecks } from '../limits/sign-in-limits';
import { addSeconds, type AuthDeps, type RequestMeta } from '../options';
import { fail, type Failure } from '../reasons';
import { compiledStatement, rowValues, type SlotOf, slotRow } from '../sql/compiled-statement';
import { insertForEach, insertRow } from '../sql/insert-for-each';
import { generateToken, hashSecret, parseToken, secretMatches } from '../tokens';
import { type Executor, type User, type UserFields, userFields, userRowToUser } from '../users/user';
import { generateCode, hashCode } from './code';

export interface RequestCodeInput {
  email: unknown;
  /** The browser's sign-in-attempt cookie, if it has one. */
  attemptToken: string | undefined;
  meta: RequestMeta;
}

export interface CodeRequested {
  ok: true;
  email: string;
  expiresInSeconds: number;
  resendAfterSeconds: number;
  /** Cookie value binding the code to this browser, and when it lapses. */
  attempt: { token: string; expiresAt: Date };
  /** The queued email, or null when none is sent (an unknown email that is not revealed). */
  outboxId: string | null;
}

export type RequestCodeResult =
  | CodeRequested
  | Failure<'missing_email' | 'invalid_email' | 'not_registered' | 'rate_limited'>;

/**
 * Issues a sign-in code and queues the email that carries it. A browser that already has a live
 * attempt for the same email gets a new code on the same attempt, and its recent codes stay valid.
 * With registration not revealed, an unknown or deactivated email takes the same path and answer,
 * but no email is sent and nothing can verify.
 *
 * Two statements on the usual path (the limits with the user, then the attempt, code, email and
 * audit row written together), and one more to read the attempt a browser's cookie names, if it
 * brings one; see docs/performance.md.
 */
export async function requestCode(db: Database, deps: AuthDeps, input: RequestCodeInput): Promise<RequestCodeResult> {
  const parsed = parseEmail(input.email);
  if (!parsed.ok) return parsed;
  const { email } = parsed;
  const { options } = deps;
  const now = deps.now();

  // The user is read in the statement that asks the limits.
  const { decision, rows } = await checkLimitsAndRead<UserFields>(db, codeRequestChecks(deps, input.meta.ip, email, sendsCodeTo(db, email, options)), now, {
    name: 'user-by-email',
    sql: (slot) => db.selectFrom('users').select(userFields).where('email', '=', slot<string>('email')),
    values: { email },
    columns: userFields,
  });
  if (!decision.ok) return fail('rate_limited', decision.retryAfterSeconds);
  const user = rows[0] ? userRowToUser(rows[0]) : null;
  const kind = attemptKindFor(user, options.signup);
  if (kind === 'decoy' && options.revealUnregistered) return fail('not_registered');

  const expiresAt = addSeconds(now, options.code.ttlSeconds);
  const code = generateCode(deps.randomBytes, options.code.length);
  const issue = { input, email, kind, userId: user?.id ?? null, code, now, expiresAt };
  const live = await findLiveAttempt(db, input.attemptToken, email, now);
  const renewed = live && (await writeCode(db, deps, { ...issue, attempt: live }));
  if (renewed) return renewed;
  const started = await writeCode(db, deps, { ...issue, attempt: null });
  if (!started) throw new Error('a new sign-in attempt was not written');
  return started;
}

interface Issue {
  input: RequestCodeInput;
  email: string;
  kind: AttemptKind;
  userId: string | null;
  code: string;
  now: Date;
  expiresAt: Date;
  /** The live attempt this code renews, or null to start a new one. */
  attempt: { id: string; token: string } | null;
}

const ATTEMPT_COLUMNS = ['id', 'kind', 'secret_hash', 'email', 'user_id', 'created_at', 'expires_at', 'last_code_sent_at', 'ip', 'user_agent'] as const;
const CODE_COLUMNS = ['attempt_id', 'code_hash', 'created_at', 'expires_at'] as const;

/**
 * The attempt (new, or renewed while still live), its code, its email and its audit row, written
 * by one statement, so they are stored together or not at all. A decoy stores a code too and runs
 * the same statement, so every path does the same work; it just queues no email.
 */
const writeCodeStatement = compiledStatement<'new' | 'renew', { outbox_id: string | null }>((db, slot, shape) => {
  const attempt =
    shape === 'new'
      ? sql`${insertRow('sign_in_attempts', slotRow(slot, 'attempt', ATTEMPT_COLUMNS))} returning id`
      : db
          .updateTable('sign_in_attempts')
          .set({ last_code_sent_at: slot('now'), expires_at: slot('expiresAt') })
          .where('id', '=', slot<string>('attemptId'))
          .where('consumed_at', 'is', null)
          .where('voided_at', 'is', null)
          .where('expires_at', '>', slot<Date>('now'))
          .returning('id');
  return sql`
    with attempt as (${attempt}),
      code as (${insertForEach('attempt', 'sign_in_codes', slotRow(slot, 'code', CODE_COLUMNS))}),
      outbox as (${insertForEach('attempt', 'email_outbox', slotRow(slot, 'email', OUTBOX_COLUMNS), slot('sendsEmail'))} returning id),
      audit as (${insertForEach('attempt', 'audit_events', slotRow(slot, 'audit', AUDIT_COLUMNS))})
    select (select id from outbox) as outbox_id from attempt`;
});

/**
 * Writes the code with its attempt, email and audit row (`writeCodeStatement`). A renewed attempt
 * that has died since it was read (verified or voided by another request) writes nothing and gives
 * null.
 */
async function writeCode(db: Executor, deps: AuthDeps, issue: Issue): Promise<CodeRequested | null> {
  const { options } = deps;
  const token = issue.attempt ? null : generateToken(deps.randomBytes);
  const attemptId = token?.id ?? issue.attempt!.id;
  const attempt = token
    ? rowValues('attempt', {
        id: token.id,
        kind: issue.kind,
        secret_hash: hashSecret(token.secret),
        email: issue.email,
        user_id: issue.userId,
        created_at: issue.now,
        expires_at: issue.expiresAt,
        last_code_sent_at: issue.now,
        ip: issue.input.meta.ip,
        user_agent: issue.input.meta.userAgent,
      } satisfies Record<(typeof ATTEMPT_COLUMNS)[number], unknown>)
    : { attemptId, now: issue.now, expiresAt: issue.expiresAt };
  const email = queuedEmail({
    kind: 'sign_in_code',
    recipient: issue.email,
    userId: issue.userId,
    content: signInCodeEmail({ appName: options.appName, code: issue.code, ttlSeconds: options.code.ttlSeconds }),
    notAfter: issue.expiresAt,
    now: issue.now,
  });
  const audit = auditRow({
    type: 'code_requested',
    subjectUserId: issue.userId,
    email: issue.email,
    meta: issue.input.meta,
    data: { kind: issue.kind, resend: token === null },
    at: issue.now,
  });
  const code = { attempt_id: attemptId, code_hash: hashCode(options.secret, attemptId, issue.code), created_at: issue.now, expires_at: issue.expiresAt };
  const rows = await writeCodeStatement(db, token ? 'new' : 'renew', {
    ...attempt,
    ...rowValues('code', code satisfies Record<(typeof CODE_COLUMNS)[number], unknown>),
    ...rowValues('email', email),
    ...rowValues('audit', audit),
    sendsEmail: issue.kind !== 'decoy',
  });
  if (rows.length === 0) return null;
  return {
    ok: true,
    email: issue.email,
    expiresInSeconds: options.code.ttlSeconds,
    resendAfterSeconds: options.code.resendCooldownSeconds,
    attempt: { token: issue.attempt?.token ?? token!.value, expiresAt: issue.expiresAt },
    outboxId: rows[0]!.outbox_id,
  };
}

/**
 * In SQL, whether this request will be sent a code or told `not_registered` (`attemptKindFor` in
 * the database): only then are the email's allowances spent. With registration not revealed every
 * request looks alike, so every one spends them.
 */
function sendsCodeTo(db: Executor, email: string, options: AuthDeps['options']): Fragment<boolean> | undefined {
  if (!options.revealUnregistered) return undefined;
  const users = (slot: SlotOf) => db.selectFrom('users').select('id').where('email', '=', slot<string>('email'));
  return options.signup === 'open'
    ? { name: 'unless-deactivated', sql: (slot) => sql<boolean>`not exists (${users(slot).where('status', '=', sql.lit('deactivated'))})`, values: { email } }
    : { name: 'if-registered', sql: (slot) => sql<boolean>`exists (${users(slot).where('status', '!=', sql.lit('deactivated'))})`, values: { email } };
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
