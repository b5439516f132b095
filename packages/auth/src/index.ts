export { type AuditEvent, type AuditEventType, recordAudit } from './audit/audit';
export { codeMatchesAny, generateCode, hashCode, normalizeCode } from './codes/code';
export { type CodeRequested, requestCode, type RequestCodeInput, type RequestCodeResult } from './codes/request-code';
export { verifyCode, type VerifyCodeInput, type VerifyCodeResult } from './codes/verify-code';
export {
  countPendingEmails,
  defaultDeliveryOptions,
  deliverDueEmails,
  type DeliveryOptions,
  type DeliveryReport,
  retryDelaySeconds,
} from './delivery/deliver';
export type { Mailer, OutgoingEmail, SendResult } from './delivery/mailer';
export { enqueueEmail, type QueuedEmail } from './delivery/outbox';
export { parseEmail } from './email-address';
export { type EmailContent, escapeHtml, signInCodeEmail } from './emails/sign-in-code-email';
export {
  addSeconds,
  type AuthDeps,
  type AuthEvent,
  type AuthOptions,
  createAuthDeps,
  defaultAuthOptions,
  type RequestMeta,
} from './options';
export { fail, type Failure, type Reason, REASONS } from './reasons';
export { type AccessDecision, decideAccess, type Requirement } from './policies/access';
export { type LimitDecision, type LimitRule, consumeLimit, peekLimit, chargeLimit } from './limits/rate-limit';
export { limitNetwork } from './limits/client-ip';
export {
  createSession,
  invalidateSessionToken,
  type Session,
  type SessionValidationResult,
  validateSessionToken,
} from './sessions/session';
export { signOut } from './sessions/sign-out';
export { parseTimezone } from './timezone';
export { generateToken, hashSecret, parseToken, secretMatches, type Token } from './tokens';
export { type AddUserResult, addUser, ensureFirstAdmin, findUserByEmail, ROLES, type User, userRowToUser } from './users/user';
