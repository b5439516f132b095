import type { OutgoingEmail } from '@app/auth';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakePostmark, startFakePostmark } from '../../test/support/fake-postmark';
import { classifyPostmarkError, createPostmarkMailer } from './postmark-mailer';

const email: OutgoingEmail = {
  to: 'ada@example.com',
  subject: 'Your sign-in code for Acme',
  text: 'Use this code to sign in to Acme:\n\n123456\n',
  html: '<p>Use this code to sign in to Acme:</p><p>123456</p>',
  tag: 'sign_in_code',
};

let fake: FakePostmark;
beforeEach(async () => {
  fake = await startFakePostmark({ serverToken: 'server-token' });
});
afterEach(() => fake.close());

function mailer(overrides: { serverToken?: string; timeoutSeconds?: number } = {}) {
  return createPostmarkMailer({
    serverToken: overrides.serverToken ?? 'server-token',
    from: 'Acme <login@acme.test>',
    messageStream: 'outbound',
    apiUrl: fake.url,
    timeoutSeconds: overrides.timeoutSeconds ?? 5,
  });
}

describe('Postmark mailer over HTTP', () => {
  it('sends the email with its fields and returns the message id Postmark assigned', async () => {
    const result = await mailer().send(email);
    expect(fake.messages).toHaveLength(1);
    const received = fake.messages[0]!;
    expect(result).toEqual({ status: 'sent', messageId: received.MessageID });
    expect(received).toMatchObject({
      From: 'Acme <login@acme.test>',
      To: 'ada@example.com',
      Subject: 'Your sign-in code for Acme',
      TextBody: email.text,
      HtmlBody: email.html,
      MessageStream: 'outbound',
      Tag: 'sign_in_code',
    });
    expect(received.headers['x-postmark-server-token']).toBe('server-token');
    expect(fake.codeFor('ada@example.com')).toBe('123456');
  });

  it('sends several emails in one batch request and answers each, in order', async () => {
    const emails = ['ada@example.com', 'bob@example.com', 'cy@example.com'].map((to) => ({ ...email, to }));
    fake.markInactive('bob@example.com');
    const results = await mailer().sendBatch!(emails);
    expect(fake.requestCount).toBe(1);
    expect(fake.messages.map((m) => m.To)).toEqual(['ada@example.com', 'cy@example.com']);
    expect(results).toEqual([
      { status: 'sent', messageId: fake.messages[0]!.MessageID },
      { status: 'permanent', error: expect.stringContaining('ErrorCode 406'), inactiveRecipient: true },
      { status: 'sent', messageId: fake.messages[1]!.MessageID },
    ]);
    expect(fake.messages[1]).toMatchObject({ From: 'Acme <login@acme.test>', Subject: email.subject, TextBody: email.text, MessageStream: 'outbound', Tag: 'sign_in_code' });
  });

  it('applies a failure of the whole batch request to every email in it', async () => {
    const emails = [email, { ...email, to: 'bob@example.com' }];
    fake.queue({ status: 500 }, { status: 429 });
    expect(await mailer().sendBatch!(emails)).toEqual([
      { status: 'transient', error: expect.stringContaining('500') },
      { status: 'transient', error: expect.stringContaining('500') },
    ]);
    expect((await mailer().sendBatch!(emails)).map((r) => r.status)).toEqual(['transient', 'transient']);
    expect((await mailer({ serverToken: 'wrong-token' }).sendBatch!(emails)).map((r) => r.status)).toEqual(['permanent', 'permanent']);
    expect(fake.messages).toHaveLength(0);
  });

  it('reports a server error (500) as transient', async () => {
    fake.queue({ status: 500 });
    const result = await mailer().send(email);
    expect(result).toMatchObject({ status: 'transient', error: expect.stringContaining('500') });
    expect(fake.messages).toHaveLength(0);
  });

  it('reports rate limiting (429) as transient', async () => {
    fake.queue({ status: 429 });
    expect(await mailer().send(email)).toMatchObject({ status: 'transient', error: expect.stringContaining('429') });
  });

  it('reports an inactive recipient (422, ErrorCode 406) as permanent', async () => {
    fake.queue({ status: 422, errorCode: 406 });
    const result = await mailer().send(email);
    expect(result).toMatchObject({ status: 'permanent', error: expect.stringContaining('ErrorCode 406'), inactiveRecipient: true });
    expect(result).toMatchObject({ error: expect.stringContaining('inactive') });
  });

  it('flags no other refusal as an inactive recipient', async () => {
    fake.queue({ status: 422, errorCode: 300 });
    expect(await mailer().send(email)).toEqual({ status: 'permanent', error: expect.stringContaining('ErrorCode 300') });
  });

  it('reactivates an address by deleting it from the message stream’s suppressions', async () => {
    fake.markInactive('ada@example.com', 'HardBounce');
    expect(await mailer().send(email)).toMatchObject({ status: 'permanent', inactiveRecipient: true });
    expect(await mailer().reactivate!('ada@example.com')).toEqual({ ok: true });
    expect(fake.suppressionDeletions).toEqual([{ stream: 'outbound', addresses: ['ada@example.com'] }]);
    expect(await mailer().send(email)).toMatchObject({ status: 'sent' });
  });

  it('says why Postmark did not reactivate an address, or could not be asked', async () => {
    fake.markInactive('ada@example.com', 'SpamComplaint');
    expect(await mailer().reactivate!('ada@example.com')).toEqual({ ok: false, error: expect.stringContaining('required authority') });
    fake.queue({ status: 500 });
    expect(await mailer().reactivate!('ada@example.com')).toEqual({ ok: false, error: expect.stringContaining('500') });
    expect(await mailer({ serverToken: 'wrong-token' }).reactivate!('ada@example.com')).toEqual({ ok: false, error: expect.stringContaining('401') });
  });

  it('reports a wrong server token (401) as permanent and sends nothing', async () => {
    const result = await mailer({ serverToken: 'wrong-token' }).send(email);
    expect(result).toMatchObject({ status: 'permanent', error: expect.stringContaining('401') });
    expect(fake.messages).toHaveLength(0);
  });

  it('reports a refused connection as transient, and sends once the server is back', async () => {
    const send = mailer();
    await fake.stop();
    expect(await send.send(email)).toMatchObject({ status: 'transient', error: expect.stringContaining('ECONNREFUSED') });
    await fake.start();
    expect(await send.send(email)).toMatchObject({ status: 'sent' });
    expect(fake.messages).toHaveLength(1);
  });

  it('gives up on a server that does not answer after the timeout, as transient', async () => {
    fake.setMode('hang');
    const started = Date.now();
    const result = await mailer({ timeoutSeconds: 0.3 }).send(email);
    expect(result).toMatchObject({ status: 'transient', error: expect.stringMatching(/timeout/i) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(fake.requestCount).toBe(1);
  });

  it('reports a connection reset mid-request as transient', async () => {
    fake.queue('reset');
    expect(await mailer().send(email)).toMatchObject({ status: 'transient' });
    expect(fake.requestCount).toBe(1);
    expect(fake.messages).toHaveLength(0);
  });
});

describe('classifying Postmark client errors', () => {
  const httpError = (statusCode: number, code = 0) => Object.assign(new Error('refused'), { statusCode, code });

  it('retries when no answer came, on 5xx, 408 and 429', () => {
    for (const error of [Object.assign(new Error('fetch failed'), { statusCode: 0, code: 0 }), new TypeError('terminated'), 'weird', httpError(503), httpError(408), httpError(429)]) {
      expect(classifyPostmarkError(error).status).toBe('transient');
    }
  });

  it('gives up on every other 4xx', () => {
    for (const status of [400, 401, 404, 409, 413, 422]) {
      expect(classifyPostmarkError(httpError(status, 300)).status).toBe('permanent');
    }
  });
});
