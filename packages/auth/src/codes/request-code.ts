import type { AttemptKind, Database } from '@app/db';
import { recordAudit } from '../audit/audit';
import { enqueueEmail } from '../delivery/outbox';
import { parseEmail } from '../email-address';
import { signInCodeEmail } from '../emails/sign-in-code-email';
import { admitCodeFor, admitCodeRequestFrom } from '../limits/sign-in-limits';
import { addSeconds, type AuthDeps, type RequestMeta } from '../options';
import { fail, type Failure } from '../reasons';
import { generateToken, hashSecret, parseToken, secretMatches } from '../tokens';
import { type Executor, findUserByEmail, type User } from '../users/user';
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
 */
export async function requestCode(db: Database, deps: AuthDeps, input: RequestCodeInput): Promise<RequestCodeResult> {
  const parsed = parseEmail(input.email);
  if (!parsed.ok) return parsed;
  const { email } = parsed;
  const { options } = deps;

  const fromNetwork = await admitCodeRequestFrom(db, deps, input.meta.ip, deps.now());
  if (!fromNetwork.ok) return fail('rate_limited', fromNetwork.retryAfterSeconds);

  const user = await findUserByEmail(db, email);
  const kind = attemptKindFor(user, options.signup);
  if (kind === 'decoy' && options.revealUnregistered) return fail('not_registered');

  return db.transaction().execute(async (trx): Promise<RequestCodeResult> => {
    const now = deps.now();
    const forEmail = await admitCodeFor(trx, deps, email, now);
    if (!forEmail.ok) return fail('rate_limited', forEmail.retryAfterSeconds);

    const expiresAt = addSeconds(now, options.code.ttlSeconds);
    const attempt = await openAttempt(trx, deps, { input, email, kind, userId: user?.id ?? null, now, expiresAt });
    const code = generateCode(deps.randomBytes, options.code.length);
    // A decoy stores a code too, so every path does the same work; nobody ever sees that code.
    await trx
      .insertInto('sign_in_codes')
      .values({ attempt_id: attempt.id, code_hash: hashCode(options.secret, attempt.id, code), created_at: now, expires_at: expiresAt })
      .execute();
    const outboxId =
      kind === 'decoy'
        ? await writeInsteadOfEmail(trx, attempt.id, now)
        : await enqueueEmail(trx, {
            kind: 'sign_in_code',
            recipient: email,
            userId: user?.id ?? null,
            content: signInCodeEmail({ appName: options.appName, code, ttlSeconds: options.code.ttlSeconds }),
            notAfter: expiresAt,
            now,
          });
    await recordAudit(trx, {
      type: 'code_requested',
      subjectUserId: user?.id ?? null,
      email,
      meta: input.meta,
      data: { kind, resend: attempt.resend },
      at: now,
    });
    return {
      ok: true,
      email,
      expiresInSeconds: options.code.ttlSeconds,
      resendAfterSeconds: options.code.resendCooldownSeconds,
      attempt: { token: attempt.token, expiresAt },
      outboxId,
    };
  });
}

/**
 * A decoy sends nothing, but makes one write where a real request queues its email, so the answer
 * takes as long (an unknown email must not be told apart by timing; see docs/security.md).
 */
async function writeInsteadOfEmail(trx: Executor, attemptId: string, now: Date): Promise<null> {
  await trx.updateTable('sign_in_attempts').set({ last_code_sent_at: now }).where('id', '=', attemptId).execute();
  return null;
}

function attemptKindFor(user: User | null, signup: AuthDeps['options']['signup']): AttemptKind {
  if (user) return user.status === 'deactivated' ? 'decoy' : 'sign_in';
  return signup === 'open' ? 'sign_up' : 'decoy';
}

/** Reuses the browser's live attempt for this email, or starts a new one. */
async function openAttempt(
  trx: Executor,
  deps: AuthDeps,
  a: { input: RequestCodeInput; email: string; kind: AttemptKind; userId: string | null; now: Date; expiresAt: Date },
): Promise<{ id: string; token: string; resend: boolean }> {
  const existing = await findLiveAttempt(trx, a.input.attemptToken, a.email, a.now);
  if (existing) {
    await trx.updateTable('sign_in_attempts').set({ last_code_sent_at: a.now, expires_at: a.expiresAt }).where('id', '=', existing.id).execute();
    return { ...existing, resend: true };
  }
  const token = generateToken(deps.randomBytes);
  await trx
    .insertInto('sign_in_attempts')
    .values({
      id: token.id,
      kind: a.kind,
      secret_hash: hashSecret(token.secret),
      email: a.email,
      user_id: a.userId,
      created_at: a.now,
      expires_at: a.expiresAt,
      last_code_sent_at: a.now,
      ip: a.input.meta.ip,
      user_agent: a.input.meta.userAgent,
    })
    .execute();
  return { id: token.id, token: token.value, resend: false };
}

async function findLiveAttempt(
  trx: Executor,
  attemptToken: string | undefined,
  email: string,
  now: Date,
): Promise<{ id: string; token: string } | null> {
  const token = parseToken(attemptToken);
  if (!token) return null;
  const row = await trx
    .selectFrom('sign_in_attempts')
    .select(['id', 'secret_hash', 'email', 'expires_at', 'voided_at', 'consumed_at'])
    .where('id', '=', token.id)
    .forUpdate()
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
