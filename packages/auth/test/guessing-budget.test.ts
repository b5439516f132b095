import { beforeEach, describe, expect, it } from 'vitest';
import { addUser, requestCode, verifyCode } from '../src/index';
import { type TestDeps, useDatabaseSuite } from './helpers';

/*
 * The arithmetic of docs/security.md, run: a patient attacker guesses codes for one account for a
 * whole day, asking for a new code whenever the limits allow and guessing whenever they allow.
 */
let deps: TestDeps;

const suite = useDatabaseSuite();
beforeEach(async () => {
  deps = suite.deps;
  await addUser(suite.db, 'victim@example.com', 'user', new Date());
});

const meta = { ip: '198.51.100.66', userAgent: 'attacker' };
/**
 * Wrong guesses the limits let through in the next `hours`, each one a guess against the live
 * codes. The attacker waits exactly as long as each refusal's Retry-After says, never longer.
 */
async function guessesAdmitted(hours: number): Promise<number> {
  const end = deps.now().getTime() + hours * 3600_000;
  let attempt: { token: string; expiresAt: Date } | null = null;
  let admitted = 0;
  while (deps.now().getTime() < end) {
    if (!attempt || attempt.expiresAt <= deps.now()) {
      const asked = await requestCode(suite.db, deps, { email: 'victim@example.com', attemptToken: undefined, meta });
      attempt = asked.ok ? asked.attempt : null;
      if (!asked.ok) deps.clock.advance(asked.retryAfterSeconds ?? 60);
      continue;
    }
    // Never right (7 digits cannot match a 6-digit code), and counted as a wrong code.
    const guess = await verifyCode(suite.db, deps, {
      email: 'victim@example.com',
      code: '0000000',
      timezone: 'UTC',
      attemptToken: attempt.token,
      sessionToken: undefined,
      meta,
    });
    if (guess.ok) throw new Error('a wrong code signed in');
    if (guess.reason === 'rate_limited') {
      deps.clock.advance(guess.retryAfterSeconds ?? 60);
      continue;
    }
    admitted += 1;
    if (guess.reason === 'too_many_attempts') attempt = null;
  }
  return admitted;
}

describe('how many codes one account can be guessed against', () => {
  it('with the defaults: 20 at once, then 20 a day (the daily cap)', async () => {
    // Burst of 20, then one every 72 minutes: 20 + 19 before the 24th hour (20 a day after that).
    expect(await guessesAdmitted(24)).toBe(39);
  });

  it('with the hourly limit alone it would be 10 an hour (about 250 a day)', async () => {
    deps.options.limits.wrongCodesPerEmailPerDay = { limit: 1_000_000, windowSeconds: 86_400 };
    // Burst of 10, then one every 6 minutes: 10 + 59 before the 6th hour.
    expect(await guessesAdmitted(6)).toBe(69);
  });
});
