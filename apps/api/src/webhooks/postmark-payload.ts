import type { EmailEvent } from '@app/auth';
import { z } from 'zod';

/*
 * Postmark's webhook payloads (https://postmarkapp.com/developer/webhooks/webhooks-overview), as
 * the postmark client types them (models/webhooks/payload: DeliveryWebhook, BounceWebhook,
 * SpamComplaintWebhook, SubscriptionChangeWebhook), read into the product's EmailEvent. Only the
 * fields the product uses are checked; Postmark adds fields over time, and those are let through.
 */

/** Bounce types after which Postmark stops sending to the address, or that say the address is bad: they suppress it. */
export const SUPPRESSING_BOUNCE_TYPES: ReadonlySet<string> = new Set([
  'HardBounce',
  'BadEmailAddress',
  'ManuallyDeactivated',
  'SpamNotification',
  'SpamComplaint',
  'Blocked',
  'Unsubscribe',
]);

/** The record types read; any other (Open, Click, …) is answered 200 and ignored. */
export const HANDLED_RECORD_TYPES = ['Delivery', 'Bounce', 'SpamComplaint', 'SubscriptionChange'] as const;
export type HandledRecordType = (typeof HANDLED_RECORD_TYPES)[number];

// Postgres text cannot hold NUL: refused here, never a 500 inside a query.
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !value.includes('\u0000'), 'must not contain NUL characters');
const required = (max: number) => text(max).refine((value) => value.trim() !== '', 'must not be empty');
const address = required(320);
const messageId = required(200);
// Years Postgres's timestamptz and JavaScript's Date both hold; a date beyond them would be a
// 500 from Postgres ("timestamp out of range") instead of a 400 here.
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(10000, 0, 1);
const timestamp = text(64).transform((value, ctx) => {
  const at = new Date(value);
  if (value === '' || Number.isNaN(at.getTime())) {
    ctx.addIssue({ code: 'custom', message: 'must be a date and time' });
    return z.NEVER;
  }
  if (at.getTime() < EARLIEST || at.getTime() >= LATEST) {
    ctx.addIssue({ code: 'custom', message: 'must be a date between 1970 and 9999' });
    return z.NEVER;
  }
  return at;
});

// Postmark's bounce IDs are 64-bit (its own sample has 4323372036854775807): read as a JSON
// number, one above 2^53 loses its last digits, so the event's key carries more than the ID.
const bounceId = z
  .number()
  .min(0)
  .max(2 ** 63)
  .refine(Number.isInteger, 'must be a whole number');

const delivery = z.object({ RecordType: z.literal('Delivery'), MessageID: messageId, Recipient: address, DeliveredAt: timestamp });

// SpamComplaint has the Bounce's shape (Postmark files complaints as bounces of type SpamComplaint).
const bounceShape = {
  ID: bounceId,
  Type: required(64),
  Email: address,
  BouncedAt: timestamp,
  MessageID: text(200).nullish(),
  Description: text(2000).nullish(),
  Inactive: z.boolean().nullish(),
};
const bounce = z.object({ RecordType: z.literal('Bounce'), ...bounceShape });
const spamComplaint = z.object({ RecordType: z.literal('SpamComplaint'), ...bounceShape });

const subscriptionChange = z.object({
  RecordType: z.literal('SubscriptionChange'),
  // Null for a suppression made by hand in Postmark (no message caused it).
  MessageID: text(200).nullish(),
  Recipient: address,
  SuppressSending: z.boolean(),
  SuppressionReason: text(64).nullish(),
  ChangedAt: timestamp,
  Origin: text(64).nullish(),
});

const SCHEMAS = { Delivery: delivery, Bounce: bounce, SpamComplaint: spamComplaint, SubscriptionChange: subscriptionChange } as const;

export type ParsedPayload =
  | { kind: 'event'; recordType: HandledRecordType; event: EmailEvent }
  | { kind: 'ignored'; recordType: string }
  | { kind: 'malformed'; problem: string };

const orNull = (value: string | null | undefined) => (value === undefined || value === null || value.trim() === '' ? null : value);

/** Reads a webhook body; says which field is wrong when it is not a Postmark webhook payload. */
export function parsePostmarkPayload(body: unknown): ParsedPayload {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { kind: 'malformed', problem: 'the body must be a JSON object' };
  const recordType = (body as { RecordType?: unknown }).RecordType;
  if (typeof recordType !== 'string' || recordType === '') return { kind: 'malformed', problem: 'RecordType: must be a non-empty string' };
  if (!Object.hasOwn(SCHEMAS, recordType)) return { kind: 'ignored', recordType };
  const type = recordType as HandledRecordType;
  const parsed = SCHEMAS[type].safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { kind: 'malformed', problem: `${type}.${issue?.path.join('.') || '?'}: ${issue?.message ?? 'invalid'}` };
  }
  return { kind: 'event', recordType: type, event: toEvent(parsed.data) };
}

type Payload = { [K in HandledRecordType]: z.infer<(typeof SCHEMAS)[K]> }[HandledRecordType];

/**
 * A bounce's or complaint's identity: its ID, and, since an ID past 2^53 reads rounded, the
 * message, address and time it is about. A replay repeats all of them.
 */
function bounceKey(type: 'Bounce' | 'SpamComplaint', payload: { ID: number; MessageID?: string | null | undefined; Email: string; BouncedAt: Date }): string {
  return `${type}:${BigInt(payload.ID)}:${payload.MessageID ?? ''}:${payload.Email.toLowerCase()}:${payload.BouncedAt.toISOString()}`;
}

function toEvent(payload: Payload): EmailEvent {
  switch (payload.RecordType) {
    case 'Delivery': {
      const recipient = payload.Recipient.toLowerCase();
      return { kind: 'delivered', key: `Delivery:${payload.MessageID}:${recipient}`, recordType: 'Delivery', messageId: payload.MessageID, recipient, at: payload.DeliveredAt };
    }
    case 'Bounce':
      return {
        kind: 'bounced',
        key: bounceKey('Bounce', payload),
        recordType: 'Bounce',
        messageId: orNull(payload.MessageID),
        recipient: payload.Email.toLowerCase(),
        at: payload.BouncedAt,
        bounceType: payload.Type,
        description: orNull(payload.Description),
        // Inactive: Postmark itself stopped sending to the address, whatever the type says.
        suppresses: SUPPRESSING_BOUNCE_TYPES.has(payload.Type) || payload.Inactive === true,
      };
    case 'SpamComplaint':
      return {
        kind: 'complained',
        key: bounceKey('SpamComplaint', payload),
        recordType: 'SpamComplaint',
        messageId: orNull(payload.MessageID),
        recipient: payload.Email.toLowerCase(),
        at: payload.BouncedAt,
      };
    case 'SubscriptionChange': {
      const recipient = payload.Recipient.toLowerCase();
      // One message's address can be suppressed and reactivated again: each change is its own event.
      const key = `SubscriptionChange:${payload.MessageID ?? ''}:${recipient}:${payload.ChangedAt.toISOString()}:${payload.SuppressSending}`;
      return {
        kind: 'subscription_changed',
        key,
        recordType: 'SubscriptionChange',
        messageId: orNull(payload.MessageID),
        recipient,
        at: payload.ChangedAt,
        suppressSending: payload.SuppressSending,
        reason: orNull(payload.SuppressionReason),
        origin: orNull(payload.Origin),
      };
    }
  }
}
