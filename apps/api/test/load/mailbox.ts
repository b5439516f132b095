import type { FakePostmark } from '../support/fake-postmark';

/**
 * The codes the fake Postmark received, indexed by recipient as they arrive (the fake's own
 * waitForMessage scans every message per waiter, too slow for thousands of emails).
 */
export interface CodeIndex {
  /** Waits (bounded) for the `nth` email (1-based) to `email` and returns its code. */
  waitForCode(email: string, nth: number, timeoutMs: number): Promise<string>;
  /** How many emails `email` received. */
  countFor(email: string): number;
  /** Recipients that received more than one email. */
  duplicates(): string[];
}

export function indexCodes(postmark: FakePostmark): CodeIndex {
  const codes = new Map<string, string[]>();
  let scanned = 0;
  const refresh = () => {
    const messages = postmark.messages;
    for (; scanned < messages.length; scanned++) {
      const message = messages[scanned]!;
      const code = /^\s*(\d{6})\s*$/m.exec(message.TextBody ?? '')?.[1] ?? '';
      const list = codes.get(message.To) ?? [];
      list.push(code);
      codes.set(message.To, list);
    }
  };
  return {
    async waitForCode(email, nth, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        refresh();
        const code = codes.get(email)?.[nth - 1];
        if (code) return code;
        if (Date.now() > deadline) throw new Error(`no email #${nth} to ${email} within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    countFor(email) {
      refresh();
      return codes.get(email)?.length ?? 0;
    },
    duplicates() {
      refresh();
      return [...codes].filter(([, list]) => list.length > 1).map(([email]) => email);
    },
  };
}
