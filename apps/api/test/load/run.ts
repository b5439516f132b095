/**
 * `pnpm test:load`: the built production server under a bounded mixed load on loopback, for 60 s
 * (LOAD_DURATION_SECONDS, at most 600): people signing in (request a code, read it from the fake
 * Postmark, verify) while autocannon hammers `auth.me` with signed-in sessions. Passes when nothing
 * failed, no session was lost and every email went out once; prints the numbers either way.
 * Runs against DATABASE_URL's server (in a database of its own, dropped afterwards), or an embedded
 * database when it is unset. LOAD_SERVER=source runs src/main.ts through tsx instead of the build.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { startApiProcess } from '../support/api-process';
import { startFakePostmark } from '../support/fake-postmark';
import { POSTMARK_TOKEN, testEnv } from '../support/instance';
import { TestBrowser } from '../support/test-browser';
import { openLoadDatabase } from './database';
import { indexCodes } from './mailbox';
import { formatLatency } from './stats';

const DURATION_SECONDS = Math.min(600, Math.max(5, Number(process.env.LOAD_DURATION_SECONDS ?? 60)));
const SIGN_IN_WORKERS = 6;
const CONNECTIONS = 12;
const USERS = 20_000;
const WARM_SESSIONS = 24;
const STEP_TIMEOUT_MS = 15_000;
const ORIGIN = 'http://app.test';

interface Session {
  email: string;
  token: string;
}

let serverPid: number | null = null;
const watchdog = setTimeout(() => {
  console.error(`load test: still running ${DURATION_SECONDS + 240} s after start; giving up`);
  if (serverPid) process.kill(serverPid, 'SIGKILL');
  process.exit(2);
}, (DURATION_SECONDS + 240) * 1000);
watchdog.unref();

async function main(): Promise<number> {
  const entry = process.env.LOAD_SERVER === 'source' ? 'source' : 'dist';
  if (entry === 'dist' && !existsSync(resolve(import.meta.dirname, '../../dist/main.js'))) {
    throw new Error('apps/api/dist/main.js is missing: run `pnpm --filter @app/api build` (pnpm test:load does)');
  }
  const database = await openLoadDatabase(process.env.DATABASE_URL || undefined, USERS);
  const postmark = await startFakePostmark({ serverToken: POSTMARK_TOKEN });
  // Every client comes from 127.0.0.1: per-network limits are relaxed for this run only.
  const env = testEnv(postmark.url, { ...database.env, AUTH_LIMIT_CODES_PER_IP: '10000000/1h', AUTH_LIMIT_VERIFIES_PER_IP: '10000000/1h' });
  const server = await startApiProcess({ env, entry }).catch(async (error: unknown) => {
    await postmark.close();
    await database.close();
    throw error;
  });
  serverPid = server.pid;
  const mailbox = indexCodes(postmark);
  const failures: string[] = [];
  const timings = { requestCode: [] as number[], emailArrives: [] as number[], verifyCode: [] as number[], signIn: [] as number[] };
  let nextUser = 0;

  async function signIn(email: string): Promise<Session> {
    const browser = new TestBrowser(server.url, ORIGIN);
    const started = performance.now();
    const asked = await browser.mutate('auth.requestCode', { email });
    const requested = performance.now();
    if (asked.status !== 200) throw new Error(`requestCode ${asked.status} ${JSON.stringify(asked.body)}`);
    const code = await mailbox.waitForCode(email, 1, STEP_TIMEOUT_MS);
    const arrived = performance.now();
    const verified = await browser.mutate('auth.verifyCode', { email, code, timezone: 'UTC' });
    const done = performance.now();
    if (verified.status !== 200) throw new Error(`verifyCode ${verified.status} ${JSON.stringify(verified.body)}`);
    timings.requestCode.push(requested - started);
    timings.emailArrives.push(arrived - requested);
    timings.verifyCode.push(done - arrived);
    timings.signIn.push(done - started);
    return { email, token: browser.cookies.get('session')! };
  }

  try {
    const warm: Session[] = [];
    for (let i = 0; i < WARM_SESSIONS; i++) warm.push(await signIn(`load${++nextUser}@example.com`));
    for (const list of Object.values(timings)) list.length = 0;
    console.log(`load test: ${DURATION_SECONDS} s, ${SIGN_IN_WORKERS} people signing in at a time, ${CONNECTIONS} connections calling auth.me (${database.kind})`);

    const deadline = Date.now() + DURATION_SECONDS * 1000;
    const signedIn: Session[] = [];
    const signInWorker = async () => {
      while (Date.now() < deadline && nextUser < USERS) {
        const email = `load${++nextUser}@example.com`;
        try {
          signedIn.push(await signIn(email));
        } catch (error) {
          failures.push(`sign-in of ${email}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    };
    let nullMe = 0;
    let turn = 0;
    const hammer = autocannon({
      url: server.url,
      connections: CONNECTIONS,
      duration: DURATION_SECONDS,
      timeout: 10,
      requests: [
        {
          method: 'GET',
          path: '/trpc/auth.me',
          setupRequest: (request) => ({ ...request, headers: { ...request.headers, cookie: `session=${warm[turn++ % warm.length]!.token}` } }),
          onResponse: (status, body) => {
            if (status === 200 && !body.includes('"email"')) nullMe += 1;
          },
        },
      ],
    });
    const [calls] = await Promise.all([hammer, Promise.all(Array.from({ length: SIGN_IN_WORKERS }, signInWorker))]);

    // Every session made before and during the run still works, for the person who made it.
    let lost = 0;
    const everyone = [...warm, ...signedIn];
    for (let i = 0; i < everyone.length; i += 16) {
      await Promise.all(
        everyone.slice(i, i + 16).map(async ({ email, token }) => {
          const browser = new TestBrowser(server.url, ORIGIN);
          browser.cookies.set('session', token);
          const me = await browser.query('auth.me');
          if (me.body?.result?.data?.email !== email) lost += 1;
        }),
      );
    }
    const duplicates = mailbox.duplicates();
    const unsent = await database.unsentEmails();
    const serverErrors = server.lines.filter((l) => l.level === 'error');
    const serverWarnings = server.lines.filter((l) => l.level === 'warn' && !String(l.msg).startsWith('web app not built'));

    console.log('');
    console.log(`sign-ins completed           ${signedIn.length} (${(signedIn.length / DURATION_SECONDS).toFixed(1)}/s), failed ${failures.length}`);
    console.log(formatLatency('  requestCode', timings.requestCode));
    console.log(formatLatency('  email reaches the inbox', timings.emailArrives));
    console.log(formatLatency('  verifyCode', timings.verifyCode));
    console.log(formatLatency('  whole sign-in', timings.signIn));
    console.log(
      `auth.me calls                ${calls.requests.total} (${calls.requests.average.toFixed(0)}/s), ` +
        `latency p50 ${calls.latency.p50} ms, p99 ${calls.latency.p99} ms, max ${calls.latency.max} ms`,
    );
    console.log(`  non-2xx ${calls.non2xx}, errors ${calls.errors}, timeouts ${calls.timeouts}, signed-out answers ${nullMe}`);
    console.log(`sessions checked afterwards   ${everyone.length}, lost ${lost}`);
    console.log(`emails received               ${postmark.messages.length}, duplicates ${duplicates.length}, left unsent ${unsent ?? 'n/a (embedded)'}`);
    console.log(`server log                    ${serverErrors.length} errors, ${serverWarnings.length} warnings`);
    for (const line of [...failures.slice(0, 5), ...serverErrors.slice(0, 5).map((l) => JSON.stringify(l)), ...serverWarnings.slice(0, 5).map((l) => JSON.stringify(l))]) {
      console.log(`  ${line.slice(0, 300)}`);
    }

    const ok =
      failures.length === 0 &&
      calls.non2xx === 0 &&
      calls.errors === 0 &&
      calls.timeouts === 0 &&
      nullMe === 0 &&
      lost === 0 &&
      duplicates.length === 0 &&
      (unsent ?? 0) === 0 &&
      serverErrors.length === 0 &&
      signedIn.length > 0;
    console.log(`\nload test ${ok ? 'PASSED' : 'FAILED'}`);
    return ok ? 0 : 1;
  } finally {
    await server.stop('SIGTERM');
    await postmark.close();
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
