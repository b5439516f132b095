import type { Models } from 'postmark';

/*
 * Postmark's webhook payloads, built in the shapes Postmark documents and the postmark client
 * types (Models.DeliveryWebhook, BounceWebhook, SpamComplaintWebhook, SubscriptionChangeWebhook),
 * and sent the way Postmark sends them: a POST of JSON to the webhook URL, its user and password
 * turned into an HTTP Basic header.
 */

/** What a payload is about: an email the fake accepted (its MessageID and To). */
export interface AboutMessage {
  MessageID: string;
  To: string;
  Tag?: string | undefined;
  MessageStream?: string | undefined;
}

const SERVER_ID = 23;
let nextBounceId = 4_323_372_036;

/** TypeCodes of the bounce types, as Postmark's BounceTypeCode has them. */
const TYPE_CODES: Record<string, number> = {
  HardBounce: 1,
  Transient: 2,
  Unsubscribe: 16,
  DnsError: 256,
  SpamNotification: 512,
  SoftBounce: 4096,
  BadEmailAddress: 100000,
  SpamComplaint: 100001,
  ManuallyDeactivated: 100002,
  Blocked: 100006,
};

/** Types after which Postmark marks the address inactive (its next send answers ErrorCode 406). */
export const DEACTIVATING_TYPES: ReadonlySet<string> = new Set(['HardBounce', 'SpamComplaint', 'ManuallyDeactivated', 'BadEmailAddress', 'Blocked', 'SpamNotification', 'Unsubscribe']);

export function deliveryPayload(message: AboutMessage, at = new Date()): Models.DeliveryWebhook {
  return {
    RecordType: 'Delivery',
    ServerID: SERVER_ID,
    MessageStream: message.MessageStream ?? 'outbound',
    MessageID: message.MessageID,
    Recipient: message.To,
    Tag: message.Tag ?? '',
    DeliveredAt: at.toISOString(),
    Details: 'Test delivery webhook details',
    Metadata: {},
  };
}

export function bouncePayload(message: AboutMessage, type = 'HardBounce', at = new Date()): Models.BounceWebhook {
  const hard = DEACTIVATING_TYPES.has(type);
  return {
    RecordType: 'Bounce',
    ID: nextBounceId++,
    Type: type,
    TypeCode: TYPE_CODES[type] ?? 2048,
    Name: hard ? 'Hard bounce' : 'Soft bounce',
    Tag: message.Tag ?? '',
    MessageID: message.MessageID,
    ServerID: SERVER_ID,
    Description: hard
      ? 'The server was unable to deliver your message (ex: unknown user, mailbox not found).'
      : 'The server could not temporarily deliver your message (ex: Message is delayed due to network troubles).',
    Details: 'smtp;550 5.1.1 The email account that you tried to reach does not exist.',
    Email: message.To,
    From: 'auth@app.test',
    BouncedAt: at.toISOString(),
    DumpAvailable: false,
    Inactive: hard,
    CanActivate: true,
    Subject: 'Your sign-in code',
    MessageStream: message.MessageStream ?? 'outbound',
    Metadata: {},
  };
}

export function spamComplaintPayload(message: AboutMessage, at = new Date()): Models.SpamComplaintWebhook {
  return {
    ...bouncePayload(message, 'SpamComplaint', at),
    RecordType: 'SpamComplaint',
    Name: 'Spam complaint',
    Description: 'The subscriber explicitly marked this message as spam.',
    Details: 'Test spam complaint details',
    CanActivate: false,
  };
}

export function subscriptionChangePayload(
  message: Pick<AboutMessage, 'To'> & Partial<AboutMessage>,
  suppressSending: boolean,
  options: { at?: Date; reason?: string; origin?: string } = {},
): Models.SubscriptionChangeWebhook {
  return {
    RecordType: 'SubscriptionChange',
    MessageID: message.MessageID ?? '',
    ServerID: SERVER_ID,
    MessageStream: message.MessageStream ?? 'outbound',
    ChangedAt: (options.at ?? new Date()).toISOString(),
    Recipient: message.To,
    Origin: options.origin ?? 'Recipient',
    SuppressSending: suppressSending,
    SuppressionReason: suppressSending ? (options.reason ?? 'ManualSuppression') : '',
    Tag: message.Tag ?? '',
    Metadata: {},
  };
}

export interface WebhookReply {
  status: number;
  headers: Headers;
  body: any;
}

/**
 * POSTs `body` to a webhook URL as Postmark does: `https://user:password@host/path` becomes an
 * `Authorization: Basic` header (fetch refuses URLs carrying credentials, and so would a proxy).
 * `body` is sent as given when it is a string, else as JSON.
 */
export async function postWebhook(webhookUrl: string, body: unknown, headers: Record<string, string> = {}): Promise<WebhookReply> {
  const url = new URL(webhookUrl);
  const credentials = url.username || url.password ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : null;
  url.username = '';
  url.password = '';
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Postmark',
      ...(credentials ? { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` } : {}),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed };
}
