/** One email as handed to a transport. */
export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Tag for the provider's reporting (e.g. 'sign_in_code'). */
  tag: string;
}

export type SendResult =
  | { status: 'sent'; messageId: string }
  /** Worth trying again: network failure, timeout, 5xx, 429. */
  | { status: 'transient'; error: string }
  /**
   * Trying again cannot help: the provider refused this message (4xx). `inactiveRecipient`: it
   * refused because it no longer sends to this address (Postmark's 406), which suppresses it here too.
   */
  | { status: 'permanent'; error: string; inactiveRecipient?: boolean };

/** The provider's answer to "send to this address again". */
export type ReactivationResult = { ok: true } | { ok: false; error: string };

/** A way to send email (Postmark in production, the console in development). */
export interface Mailer {
  readonly name: string;
  send(email: OutgoingEmail): Promise<SendResult>;
  /**
   * Several emails in one request, answered in order. Optional: without it each is sent on its own.
   * Must not throw for a failure it can classify (the whole request, or one email of it).
   */
  sendBatch?(emails: OutgoingEmail[]): Promise<SendResult[]>;
  /**
   * Asks the provider to send to an address it stopped sending to (bounced, complained,
   * unsubscribed). Optional: a mailer without it keeps no list of its own. Never throws.
   */
  reactivate?(address: string): Promise<ReactivationResult>;
}
