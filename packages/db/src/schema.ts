import type { ColumnType, Generated, Selectable } from 'kysely';

/** A timestamptz column: read as Date, written as Date or ISO string, defaulted by the database. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type Role = 'admin' | 'user';
export type UserStatus = 'invited' | 'active' | 'deactivated';
export type OutboxStatus = 'pending' | 'sent' | 'failed' | 'expired';

export interface UsersTable {
  id: Generated<string>;
  email: string;
  role: Role;
  status: ColumnType<UserStatus, UserStatus | undefined, UserStatus>;
  timezone: string | null;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
  activated_at: Timestamp | null;
  last_sign_in_at: Timestamp | null;
}

export type AttemptKind = 'sign_in' | 'sign_up' | 'decoy' | 'email_change';

export interface SignInAttemptsTable {
  id: string;
  kind: ColumnType<AttemptKind, AttemptKind | undefined, AttemptKind>;
  secret_hash: Uint8Array;
  email: string;
  user_id: string | null;
  created_at: DefaultedTimestamp;
  expires_at: Timestamp;
  last_code_sent_at: Timestamp;
  failed_count: ColumnType<number, number | undefined, number>;
  voided_at: Timestamp | null;
  consumed_at: Timestamp | null;
  ip: string | null;
  user_agent: string | null;
  /** Set on `email_change` attempts only: the session that asked (the change works only there). */
  session_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface SignInCodesTable {
  id: Generated<string>;
  attempt_id: string;
  code_hash: Uint8Array;
  /** HMAC of the one-click link's token sent with this code; null when links are off. */
  link_hash: ColumnType<Uint8Array | null, Uint8Array | null | undefined, Uint8Array | null>;
  created_at: DefaultedTimestamp;
  expires_at: Timestamp;
}

export interface SessionsTable {
  id: string;
  secret_hash: Uint8Array;
  user_id: string;
  created_at: DefaultedTimestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  absolute_expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface EmailOutboxTable {
  id: Generated<string>;
  kind: string;
  recipient: string;
  subject: string;
  text_body: string | null;
  html_body: string | null;
  user_id: string | null;
  status: ColumnType<OutboxStatus, OutboxStatus | undefined, OutboxStatus>;
  created_at: DefaultedTimestamp;
  not_after: Timestamp;
  next_attempt_at: Timestamp;
  locked_until: Timestamp | null;
  attempts: ColumnType<number, number | undefined, number>;
  sent_at: Timestamp | null;
  provider_message_id: string | null;
  last_error: string | null;
  /** What the provider reported after accepting it (webhooks): the latest event's state. */
  delivery_status: ColumnType<DeliveryStatus | null, DeliveryStatus | null | undefined, DeliveryStatus | null>;
  delivery_status_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export type DeliveryStatus = 'delivered' | 'bounced' | 'complained';

/** One provider event applied (its key is unique: a replay inserts nothing). */
export interface EmailEventsTable {
  event_key: string;
  record_type: string;
  message_id: string | null;
  delivery_status: DeliveryStatus | null;
  email: string;
  occurred_at: Timestamp;
  received_at: Timestamp;
}

/** What the provider reported about one address; `suppressed_at` set: no email goes to it. */
export interface EmailDeliverabilityTable {
  email: string;
  delivered_at: Timestamp | null;
  bounced_at: Timestamp | null;
  bounce_type: string | null;
  complained_at: Timestamp | null;
  suppressed_at: Timestamp | null;
  suppression_reason: string | null;
  lifted_at: Timestamp | null;
  updated_at: Timestamp;
  /** Generated: suppressed, or a bounce or complaint after the last delivery. */
  bouncing: ColumnType<boolean, never, never>;
}

export interface AuditEventsTable {
  id: Generated<string>;
  type: string;
  actor_user_id: string | null;
  subject_user_id: string | null;
  email: string | null;
  ip: string | null;
  user_agent: string | null;
  data: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: DefaultedTimestamp;
  /** Set on `requests_refused` rows only: one row per minute, procedure, network and reason. */
  refusal_bucket: ColumnType<string | null, string | null | undefined, string | null>;
  /** Sign-in rows only: when the new-sign-in notice pass looked at it (null: not yet). */
  new_sign_in_checked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface RateLimitsTable {
  key: string;
  tat: Timestamp;
}

export interface DB {
  rate_limits: RateLimitsTable;
  users: UsersTable;
  sign_in_attempts: SignInAttemptsTable;
  sign_in_codes: SignInCodesTable;
  sessions: SessionsTable;
  email_outbox: EmailOutboxTable;
  audit_events: AuditEventsTable;
  email_events: EmailEventsTable;
  email_deliverability: EmailDeliverabilityTable;
}

export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type OutboxRow = Selectable<EmailOutboxTable>;
