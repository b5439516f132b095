import { randomUUID } from 'node:crypto';
import type { Mailer, OutgoingEmail } from '@app/auth';

/** One email as the development mailbox page shows it. */
export interface DevMailboxItem {
  id: string;
  to: string;
  subject: string;
  text: string;
  /** ISO 8601. */
  createdAt: string;
}

export interface ConsoleMailerOptions {
  print: (text: string) => void;
  /** How many emails `recent()` remembers (default 50). */
  keep?: number;
  now?: () => Date;
}

export type ConsoleMailer = Mailer & {
  recent(): DevMailboxItem[];
  /** Addresses an admin asked to send to again, oldest first (Postmark would be asked in production). */
  reactivated(): string[];
};

/** Development mailer: prints each email and keeps the latest ones in memory; never fails. */
export function createConsoleMailer(options: ConsoleMailerOptions): ConsoleMailer {
  const keep = options.keep ?? 50;
  const now = options.now ?? (() => new Date());
  let newestFirst: DevMailboxItem[] = [];
  const reactivated: string[] = [];
  return {
    name: 'console',
    async send(email) {
      const item: DevMailboxItem = {
        id: randomUUID(),
        to: email.to,
        subject: email.subject,
        text: email.text,
        createdAt: now().toISOString(),
      };
      options.print(formatEmail(email));
      newestFirst = [item, ...newestFirst].slice(0, keep);
      return { status: 'sent', messageId: item.id };
    },
    async reactivate(address) {
      options.print(`(console mailer) ${address} would be reactivated at the email provider`);
      reactivated.push(address);
      return { ok: true };
    },
    recent: () => [...newestFirst],
    reactivated: () => [...reactivated],
  };
}

function formatEmail(email: OutgoingEmail): string {
  const rule = '─'.repeat(60);
  return [rule, `To:      ${email.to}`, `Subject: ${email.subject}`, `Tag:     ${email.tag}`, '', email.text, rule].join('\n');
}
