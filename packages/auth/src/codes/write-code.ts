import type { AttemptKind, Executor } from '@app/db';
import { sql } from 'kysely';
import { AUDIT_COLUMNS, auditRow } from '../audit/audit';
import { OUTBOX_COLUMNS, type QueuedEmail, queuedEmail } from '../delivery/outbox';
import type { EmailContent } from '../emails/html';
import { signInCodeEmail } from '../emails/sign-in-code-email';
import type { AuthDeps } from '../options';
import { compiledStatement, type Prefixed, rowValues, type SlotOf, slotRow } from '../sql/compiled-statement';
import { insertForEach, insertRow } from '../sql/insert-for-each';
import { generateToken, hashSecret } from '../tokens';
import { hashCode } from './code';
import { hashLinkToken, signInLinkUrl } from './link';
import type { CodeRequested, RequestCodeInput } from './request-code';

/** A code to write, and what it is for. */
export interface Issue {
  input: RequestCodeInput;
  email: string;
  kind: AttemptKind;
  /** The user the attempt signs in (null for a decoy or a sign-up). */
  userId: string | null;
  /** Whom the audit row is about: the address's user even when the attempt is a decoy. */
  subjectUserId: string | null;
  /** The address is suppressed: no email is queued (the attempt is a decoy). */
  suppressed: boolean;
  code: string;
  /** The one-click link's token sent with the code, or null when links are off. */
  linkToken: string | null;
  now: Date;
  expiresAt: Date;
  /** The live attempt this code renews, or null to start a new one. */
  attempt: { id: string; token: string } | null;
  /** An email change's session (the only one its code works in); sign-ins have none. */
  sessionId?: string | null;
  /**
   * The email to queue instead of the sign-in code email (an email change's). `userId`: whose
   * address it goes to, when that is not the issue's user (an address another account holds).
   */
  message?: { kind: QueuedEmail['kind']; content: EmailContent; userId?: string | null };
  /** Facts for the audit row besides the attempt's kind and whether it was a resend. */
  auditData?: Record<string, unknown>;
}

const ATTEMPT_COLUMNS = ['id', 'kind', 'secret_hash', 'email', 'user_id', 'created_at', 'expires_at', 'last_code_sent_at', 'ip', 'user_agent', 'session_id'] as const;
const CODE_COLUMNS = ['attempt_id', 'code_hash', 'link_hash', 'created_at', 'expires_at'] as const;

/** The attempt a code goes on: a new one (with the token for its cookie), or a live one renewed. */
type AttemptWrite =
  | { shape: 'new'; id: string; token: string; values: Prefixed<'attempt', ReturnType<typeof attemptRow>> }
  | { shape: 'renew'; id: string; token: string; values: { attemptId: string; now: Date; expiresAt: Date } };

type WriteCodeValues = AttemptWrite['values'] &
  Prefixed<'code', ReturnType<typeof codeRow>> &
  Prefixed<'email', ReturnType<typeof queuedEmail>> &
  Prefixed<'audit', ReturnType<typeof auditRow>> & { sendsEmail: boolean };

/**
 * The attempt (new, or renewed while still live), its code, its email and its audit row, written
 * by one statement, so they are stored together or not at all. A decoy stores a code too and runs
 * the same statement, so every path does the same work; it just queues no email.
 */
const writeCodeStatement = compiledStatement((db, slot: SlotOf<WriteCodeValues>, shape: AttemptWrite['shape']) => {
  const attempt =
    shape === 'new'
      ? sql`${insertRow('sign_in_attempts', slotRow(slot, 'attempt', ATTEMPT_COLUMNS))} returning id`
      : db
          .updateTable('sign_in_attempts')
          .set({ last_code_sent_at: slot('now'), expires_at: slot('expiresAt') })
          .where('id', '=', slot('attemptId'))
          .where('consumed_at', 'is', null)
          .where('voided_at', 'is', null)
          .where('expires_at', '>', slot('now'))
          .returning('id');
  return sql<{ outbox_id: string | null }>`
    with attempt as (${attempt}),
      code as (${insertForEach('attempt', 'sign_in_codes', slotRow(slot, 'code', CODE_COLUMNS))}),
      outbox as (${insertForEach('attempt', 'email_outbox', slotRow(slot, 'email', OUTBOX_COLUMNS), slot('sendsEmail'))} returning id),
      audit as (${insertForEach('attempt', 'audit_events', slotRow(slot, 'audit', AUDIT_COLUMNS))})
    select (select id from outbox) as outbox_id from attempt`;
});

function attemptRow(issue: Issue, id: string, secretHash: Uint8Array) {
  return {
    id,
    kind: issue.kind,
    secret_hash: secretHash,
    email: issue.email,
    user_id: issue.userId,
    created_at: issue.now,
    expires_at: issue.expiresAt,
    last_code_sent_at: issue.now,
    ip: issue.input.meta.ip,
    user_agent: issue.input.meta.userAgent,
    session_id: issue.sessionId ?? null,
  } satisfies Record<(typeof ATTEMPT_COLUMNS)[number], unknown>;
}

function codeRow(deps: AuthDeps, issue: Issue, attemptId: string) {
  return {
    attempt_id: attemptId,
    code_hash: hashCode(deps.options.secret, attemptId, issue.code),
    link_hash: issue.linkToken === null ? null : hashLinkToken(deps.options.secret, issue.linkToken),
    created_at: issue.now,
    expires_at: issue.expiresAt,
  } satisfies Record<(typeof CODE_COLUMNS)[number], unknown>;
}

function attemptWrite(deps: AuthDeps, issue: Issue): AttemptWrite {
  if (issue.attempt) {
    const { id, token } = issue.attempt;
    return { shape: 'renew', id, token, values: { attemptId: id, now: issue.now, expiresAt: issue.expiresAt } };
  }
  const token = generateToken(deps.randomBytes);
  return { shape: 'new', id: token.id, token: token.value, values: rowValues('attempt', attemptRow(issue, token.id, hashSecret(token.secret))) };
}

/**
 * Writes the code with its attempt, email and audit row (`writeCodeStatement`). A renewed attempt
 * that has died since it was read (verified or voided by another request) writes nothing and gives
 * null.
 */
export async function writeCode(db: Executor, deps: AuthDeps, issue: Issue): Promise<CodeRequested | null> {
  const { options } = deps;
  const attempt = attemptWrite(deps, issue);
  const message = issue.message ?? {
    kind: 'sign_in_code',
    content: signInCodeEmail({
      appName: options.appName,
      code: issue.code,
      link: issue.linkToken === null ? null : signInLinkUrl(options.appUrl, issue.linkToken),
      ttlSeconds: options.code.ttlSeconds,
    }),
  };
  const email = queuedEmail({
    kind: message.kind,
    recipient: issue.email,
    userId: message.userId === undefined ? issue.userId : message.userId,
    content: message.content,
    notAfter: issue.expiresAt,
    now: issue.now,
  });
  const audit = auditRow({
    type: 'code_requested',
    subjectUserId: issue.subjectUserId,
    email: issue.email,
    meta: issue.input.meta,
    data: { kind: issue.kind, resend: attempt.shape === 'renew', ...(issue.suppressed ? { suppressed: true } : {}), ...issue.auditData },
    at: issue.now,
  });
  const rows = await writeCodeStatement(db, attempt.shape, {
    ...attempt.values,
    ...rowValues('code', codeRow(deps, issue, attempt.id)),
    ...rowValues('email', email),
    ...rowValues('audit', audit),
    sendsEmail: issue.kind !== 'decoy',
  });
  const [written] = rows;
  if (!written) return null;
  return {
    ok: true,
    email: issue.email,
    codeLength: options.code.length,
    expiresInSeconds: options.code.ttlSeconds,
    resendAfterSeconds: options.code.resendCooldownSeconds,
    attempt: { token: attempt.token, expiresAt: issue.expiresAt },
    outboxId: written.outbox_id,
  };
}
