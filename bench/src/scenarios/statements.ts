import type { Database } from '@app/db';
import { createLogger, freePort, loadConfig, startServer } from '@app/api/testing';
import { type ApiSetup, apiEnv } from '../support/api-process';
import { cookieFrom, createJsonClient } from '../support/http-client';
import type { MailCatcher } from '../support/mail-catcher';
import { round } from '../support/stats';

export interface StatementsResult {
  signIns: number;
  /** Statements per call, averaged over `signIns` calls (BEGIN and COMMIT count as statements). */
  requestCode: number;
  /** The delivery worker's, for one pass that sends all `signIns` emails (however many a pass carries). */
  deliveryPerPass: number;
  verifyCode: number;
  /** The same sign-ins again through the email's link (`auth.verifyLink`), in the browser that asked: at most verifyCode's. */
  verifyLink: number;
  /** Request path only (requestCode + verifyCode), what a client waits for. */
  perSignIn: number;
  /** auth.me with a fresh session (no activity refresh due). */
  authMe: number;
  /** The statements of the first sign-in, in order (first line of each, shortened). */
  firstSignIn: { requestCode: string[]; delivery: string[]; verifyCode: string[]; verifyLink: string[]; authMe: string[] };
}

const silent = createLogger({ level: 'silent' });

/**
 * Counts SQL statements with Kysely's query log, running the API in this process against the
 * bench database. The delivery worker is held back while codes are requested and run on its own
 * afterwards, so each statement is charged to the step that ran it.
 */
export async function countStatements(input: {
  setup: ApiSetup;
  mail: MailCatcher;
  emails: readonly string[];
  open: (log: (sql: string) => void) => Promise<Database>;
}): Promise<StatementsResult> {
  let sink: string[] | null = null;
  const db = await input.open((sql) => sink?.push(sql));
  const port = await freePort();
  const config = loadConfig(apiEnv(input.setup, port));
  const server = await startServer(config, silent, { db, deliveryIntervalMs: 3_600_000 });
  const client = createJsonClient(server.url, { origin: config.appUrl.origin, maxSockets: 1 });
  const record = async <T>(into: string[], work: () => Promise<T>): Promise<T> => {
    sink = into;
    try {
      return await work();
    } finally {
      sink = null;
    }
  };
  try {
    await server.worker.idle();
    const kickDelivery = server.services.emailQueued;
    server.services.emailQueued = () => {};
    const emails = input.emails;
    const perCall = { requestCode: [] as string[][], verifyCode: [] as string[][], verifyLink: [] as string[][], authMe: [] as string[][] };
    /** Asks a code for every email, recording each call's statements into `into` if given; the attempt cookies. */
    const requestCodes = async (into?: string[][]): Promise<string[]> => {
      const attempts: string[] = [];
      for (const email of emails) {
        const statements: string[] = [];
        const reply = await record(statements, () => client.post('/trpc/auth.requestCode?batch=1', { 0: { email } }));
        const attempt = cookieFrom(reply.setCookies, 'signin-attempt');
        if (reply.status !== 200 || !attempt) throw new Error(`requestCode failed: ${reply.status} ${JSON.stringify(reply.body)}`);
        attempts.push(attempt);
        into?.push(statements);
      }
      return attempts;
    };
    /** Verifies each email's next code (or its link), recording each call's statements into `into`; the session cookies. */
    const verifyAll = async (attempts: string[], by: 'code' | 'link', into: string[][]): Promise<string[]> => {
      const sessions: string[] = [];
      for (const [i, email] of emails.entries()) {
        const { code, linkToken } = await input.mail.nextEmail(email);
        const [path, body] = by === 'code' ? ['auth.verifyCode', { email, code, timezone: 'Europe/Berlin' }] : ['auth.verifyLink', { token: linkToken, timezone: 'Europe/Berlin' }];
        const statements: string[] = [];
        const reply = await record(statements, () => client.post(`/trpc/${path}?batch=1`, { 0: body }, attempts[i]));
        const session = cookieFrom(reply.setCookies, 'session');
        if (reply.status !== 200 || !session) throw new Error(`${path} failed: ${reply.status} ${JSON.stringify(reply.body)}`);
        into.push(statements);
        sessions.push(session);
      }
      return sessions;
    };
    const attempts = await requestCodes(perCall.requestCode);
    const delivery: string[] = [];
    await record(delivery, async () => {
      kickDelivery();
      await server.worker.idle();
    });
    const sessions = await verifyAll(attempts, 'code', perCall.verifyCode);
    for (const session of sessions) {
      const statements: string[] = [];
      await record(statements, () => client.get('/trpc/auth.me?batch=1&input=%7B%7D', session));
      perCall.authMe.push(statements);
    }
    // The same people again, signing in with the link in the email this time.
    const linkAttempts = await requestCodes();
    kickDelivery();
    await server.worker.idle();
    await verifyAll(linkAttempts, 'link', perCall.verifyLink);
    const n = emails.length;
    const mean = (calls: string[][]) => round(calls.reduce((sum, c) => sum + c.length, 0) / n, 2);
    const requestCode = mean(perCall.requestCode);
    const verifyCode = mean(perCall.verifyCode);
    return {
      signIns: n,
      requestCode,
      deliveryPerPass: delivery.length,
      verifyCode,
      verifyLink: mean(perCall.verifyLink),
      perSignIn: round(requestCode + verifyCode, 2),
      authMe: mean(perCall.authMe),
      firstSignIn: {
        requestCode: shorten(perCall.requestCode[0]),
        delivery: shorten(delivery.slice(0, 6)),
        verifyCode: shorten(perCall.verifyCode[0]),
        verifyLink: shorten(perCall.verifyLink[0]),
        authMe: shorten(perCall.authMe[0]),
      },
    };
  } finally {
    client.close();
    await server.close();
    await db.destroy();
  }
}

function shorten(statements: string[] | undefined): string[] {
  return (statements ?? []).map((sql) => {
    const line = sql.replace(/\s+/g, ' ').trim();
    return line.length > 110 ? `${line.slice(0, 107)}...` : line;
  });
}
