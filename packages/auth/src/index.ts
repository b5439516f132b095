export { type AuditEvent, recordAudit } from './audit/audit';
export { AUDIT_EVENT_TYPES, type AuditEventType, USER_STATUSES } from './vocabulary';
export { codeMatchesAny, generateCode, hashCode, normalizeCode } from './codes/code';
export { type CodeRequested, requestCode, type RequestCodeInput, type RequestCodeResult } from './codes/request-code';
export { verifyCode, type VerifyCodeInput, type VerifyCodeResult } from './codes/verify-code';
export { verifyLink, type VerifyLinkInput, type VerifyLinkResult } from './codes/verify-link';
export { signInLinkUrl } from './codes/link';
export {
  defaultDeliveryOptions,
  deliverDueEmails,
  type DeliveryOptions,
  type DeliveryReport,
  pendingEmailsSummary,
  retryDelaySeconds,
} from './delivery/deliver';
export type { Mailer, OutgoingEmail, ReactivationResult, SendResult } from './delivery/mailer';
export { enqueueEmail, type QueuedEmail } from './delivery/outbox';
export { parseEmail } from './email-address';
export { type EmailContent, escapeHtml } from './emails/html';
export { codeGroups, type EmailBlock, type EmailFrameInput, renderEmail } from './emails/render-email';
export { signInCodeEmail } from './emails/sign-in-code-email';
export {
  addSeconds,
  type AuthDeps,
  type AuthEvent,
  type AuthOptions,
  createAuthDeps,
  defaultAuthOptions,
  type RequestMeta,
} from './options';
export { DOMAIN_REASONS, type DomainReason, fail, failBecause, type Failure } from './reasons';
export { type AccessDecision, decideAccess, type Requirement } from './policies/access';
export { ROLES, roleIncludes } from './policies/roles';
export { type LimitDecision, type LimitRule, checkLimits, type LimitCheck } from './limits/rate-limit';
export { isLoopbackIp, limitNetwork, normalizeClientIp } from './limits/client-ip';
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
export {
  type AddUserResult,
  addUser,
  ensureFirstAdmin,
  findUserByEmail,
  type ProvisionedBy,
  provisionUser,
  type User,
  userRowToUser,
} from './users/user';
export { type AuditedRefusal, isAuditedRefusal, recordRefusal, REFUSAL_BUCKET_SECONDS } from './audit/refusals';
export { type AuditEntryView, listAudit, type ListAuditInput, type ListAuditResult } from './audit/list-audit';
export { describeDevice } from './sessions/device';
export { listSessions, revokeOtherSessions, revokeSession, type SessionOverview } from './sessions/own-sessions';
export {
  type AdminAction,
  type ChangeUserResult,
  deactivateUser,
  reactivateUser,
  removeUser,
  setUserRole,
} from './admin/change-user';
export { type InvitationEmail, inviteUser, type InviteUserInput, type InviteUserResult } from './admin/invite-user';
export { checkLastAdmin, isActiveAdmin } from './admin/last-admin';
export { listUsers, type ListUsersInput, type ListUsersResult } from './admin/list-users';
export { listUserSessions, revokeUserSessions } from './sessions/user-sessions';
export type { DeliveryState, UserOverview } from './admin/user-overview';
export { invitationEmail } from './emails/invitation-email';
export { changeUserEmail, type ChangeUserEmailResult } from './admin/change-user-email';
export { confirmEmailChange, type ConfirmEmailChangeInput, type ConfirmEmailChangeResult } from './email-change/confirm-email-change';
export { requestEmailChange, type RequestEmailChangeInput, type RequestEmailChangeResult } from './email-change/request-email-change';
export { emailChangeCodeEmail } from './emails/email-change-code-email';
export { emailChangedByAdminEmail } from './emails/email-changed-by-admin-email';
export { emailChangedEmail } from './emails/email-changed-email';
export { emailInUseEmail } from './emails/email-in-use-email';
export { emailSetByAdminEmail } from './emails/email-set-by-admin-email';
export { cleanUp, type CleanupCounts, type CleanupInput, type CleanupResult, type RetentionPolicy } from './housekeeping/cleanup';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type Page } from './pagination/cursor';
export { type EmailEvent, recordEmailEvent, type RecordEmailEventResult } from './deliverability/email-event';
export { clearSuppression, type ClearSuppressionResult } from './admin/clear-suppression';
export { type NewSignInReport, queueNewSignInNotices } from './notices/new-sign-in-notices';
export { newSignInEmail } from './emails/new-sign-in-email';
