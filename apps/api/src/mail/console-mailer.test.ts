import type { OutgoingEmail } from '@app/auth';
import { describe, expect, it } from 'vitest';
import { createConsoleMailer } from './console-mailer';

function email(n: number): OutgoingEmail {
  return { to: `user${n}@example.com`, subject: `Subject ${n}`, text: `Body ${n}\n\n12345${n}`, html: `<p>Body ${n}</p>`, tag: 'sign_in_code' };
}

describe('console mailer', () => {
  it('prints recipient, subject and text body, and reports the email sent', async () => {
    const printed: string[] = [];
    const mailer = createConsoleMailer({ print: (text) => printed.push(text) });
    const result = await mailer.send(email(1));
    expect(result).toEqual({ status: 'sent', messageId: expect.any(String) });
    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain('To:      user1@example.com');
    expect(printed[0]).toContain('Subject: Subject 1');
    expect(printed[0]).toContain('Body 1\n\n123451');
    expect(printed[0]).not.toContain('<p>');
  });

  it('keeps the emails newest first, with their id and time', async () => {
    let now = new Date('2026-01-05T10:00:00Z');
    const mailer = createConsoleMailer({ print: () => {}, now: () => now });
    const first = await mailer.send(email(1));
    now = new Date('2026-01-05T10:00:05Z');
    await mailer.send(email(2));
    const recent = mailer.recent();
    expect(recent.map((item) => item.to)).toEqual(['user2@example.com', 'user1@example.com']);
    expect(recent[1]).toEqual({
      id: first.status === 'sent' ? first.messageId : '',
      to: 'user1@example.com',
      subject: 'Subject 1',
      text: 'Body 1\n\n123451',
      createdAt: '2026-01-05T10:00:00.000Z',
    });
    expect(recent[0]!.createdAt).toBe('2026-01-05T10:00:05.000Z');
    expect(new Set(recent.map((item) => item.id)).size).toBe(2);
  });

  it('forgets the oldest emails beyond `keep`, 50 by default', async () => {
    const small = createConsoleMailer({ print: () => {}, keep: 2 });
    for (const n of [1, 2, 3]) await small.send(email(n));
    expect(small.recent().map((item) => item.subject)).toEqual(['Subject 3', 'Subject 2']);

    const standard = createConsoleMailer({ print: () => {} });
    for (let n = 1; n <= 55; n++) await standard.send(email(n));
    expect(standard.recent()).toHaveLength(50);
    expect(standard.recent()[49]!.subject).toBe('Subject 6');
  });

  it('hands out copies, so callers cannot change the mailbox', async () => {
    const mailer = createConsoleMailer({ print: () => {} });
    await mailer.send(email(1));
    mailer.recent().pop();
    expect(mailer.recent()).toHaveLength(1);
  });

  it('records a reactivation instead of asking a provider', async () => {
    const printed: string[] = [];
    const mailer = createConsoleMailer({ print: (text) => printed.push(text) });
    expect(await mailer.reactivate!('ada@example.com')).toEqual({ ok: true });
    expect(mailer.reactivated()).toEqual(['ada@example.com']);
    expect(printed.join('\n')).toContain('ada@example.com would be reactivated');
  });
});
