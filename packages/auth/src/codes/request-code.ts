import type { Database } from '@app/db';
import { sql } from 'kysely';
import { recordAudit } from '../audit/audit';
import { enqueueEmail } from '../delivery/outbox';
import { parseEmail } from '../email-address';
import { signInCodeEmail } from '../emails/sign-in-code-email';
import { addSeconds, type AuthDeps, type RequestMeta } from '../options';
import { fail, type Failure } from '../reasons';
import { generateToken, hashSecret, parseToken, secretMatches } from '../tokens';
import { findUserByEmail } from '../users/user';
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
  outboxId: string;
}

export type RequestCodeResult =
  | CodeRequested
  | Failure<'missing_email' | 'invalid_email' | 'not_registered' | 'rate_limited'>;

/**
 * Issues a sign-in code for a registered email and queues the email that carries it. A browser
 * that already has a live attempt for the same email gets a new code on the same attempt (after
 * the cooldown), and its recent earlier codes stay valid.
 */
export async function requestCode(db: Database, deps: AuthDeps, input: RequestCodeInput): Promise<RequestCodeResult> {
  const parsed = parseEmail(input.email);
  if (!parsed.ok) return parsed;
  const { email } = parsed;
  const { code: codeOptions } = deps.options;

  const user = await findUserByEmail(db, email);
  if (!user || user.status === 'deactivated') return fail('not_registered');

  return db.transaction().execute(async (trx) => {
    // One code request per email at a time, so the cooldown below cannot be raced past.
    await sql`select pg_advisory_xact_lock(hashtext(${email}))`.execute(trx);
    const now = deps.now();

    const latest = await trx
      .selectFrom('sign_in_attempts')
      .select('last_code_sent_at')
      .where('email', '=', email)
      .orderBy('last_code_sent_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (latest) {
      const waitMs = latest.last_code_sent_at.getTime() + codeOptions.resendCooldownSeconds * 1000 - now.getTime();
      if (waitMs > 0) return fail('rate_limited', Math.ceil(waitMs / 1000));
    }

    const expiresAt = addSeconds(now, codeOptions.ttlSeconds);
    const existing = await findLiveAttempt(trx, input.attemptToken, email, now);
    let attempt: { id: string; token: string };
    if (existing) {
      attempt = existing;
      await trx
        .updateTable('sign_in_attempts')
        .set({ last_code_sent_at: now, expires_at: expiresAt })
        .where('id', '=', existing.id)
        .execute();
    } else {
      const token = generateToken(deps.randomBytes);
      attempt = { id: token.id, token: token.value };
      await trx
        .insertInto('sign_in_attempts')
        .values({
          id: token.id,
          secret_hash: hashSecret(token.secret),
          email,
          user_id: user.id,
          created_at: now,
          expires_at: expiresAt,
          last_code_sent_at: now,
          ip: input.meta.ip,
          user_agent: input.meta.userAgent,
        })
        .execute();
    }

    const code = generateCode(deps.randomBytes, codeOptions.length);
    await trx
      .insertInto('sign_in_codes')
      .values({ attempt_id: attempt.id, code_hash: hashCode(deps.options.secret, attempt.id, code), created_at: now, expires_at: expiresAt })
      .execute();
    const outboxId = await enqueueEmail(trx, {
      kind: 'sign_in_code',
      recipient: email,
      userId: user.id,
      content: signInCodeEmail({ appName: deps.options.appName, code, ttlSeconds: codeOptions.ttlSeconds }),
      notAfter: expiresAt,
      now,
    });
    await recordAudit(trx, {
      type: 'code_requested',
      subjectUserId: user.id,
      email,
      meta: input.meta,
      data: { resend: existing !== null },
      at: now,
    });

    return {
      ok: true as const,
      email,
      expiresInSeconds: codeOptions.ttlSeconds,
      resendAfterSeconds: codeOptions.resendCooldownSeconds,
      attempt: { token: attempt.token, expiresAt },
      outboxId,
    };
  });
}

async function findLiveAttempt(
  trx: Parameters<typeof findUserByEmail>[0],
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
