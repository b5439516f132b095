import { addUser, type CleanupCounts, cleanUp, ROLES } from '@app/auth';
import { createDatabase, migrateDown, migrateToLatest } from '@app/db';
import type { Role } from '@app/db';
import { parseEmail } from '@app/auth';
import { ConfigError, loadConfig } from './config';

const usage = `Usage:
  pnpm cli migrate                          apply pending migrations
  pnpm cli migrate down                     revert the latest migration
  pnpm cli users add EMAIL [--role admin|user]  add a user (or change their role)
  pnpm cli cleanup                          delete expired codes, attempts, sessions, emails,
                                            rate-limit rows and invitations past INVITE_TTL_DAYS`;

async function main(args: string[]): Promise<number> {
  const [command, sub, ...rest] = args;
  const config = loadConfig();
  const db = await createDatabase({ url: config.database.url, dataDir: config.database.dataDir, poolSize: 1 });
  try {
    if (command === 'migrate' && (sub === undefined || sub === 'up')) {
      const applied = await migrateToLatest(db);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'already up to date');
      return 0;
    }
    if (command === 'migrate' && sub === 'down') {
      const reverted = await migrateDown(db);
      console.log(reverted ? `reverted: ${reverted}` : 'nothing to revert');
      return 0;
    }
    if (command === 'users' && sub === 'add') {
      const [emailArg, ...flags] = rest;
      const roleIndex = flags.indexOf('--role');
      const role = roleIndex >= 0 ? flags[roleIndex + 1] : 'user';
      if (!ROLES.includes(role as Role)) return fail(`--role must be one of: ${ROLES.join(', ')}`);
      const email = parseEmail(emailArg);
      if (!email.ok) return fail(`${emailArg ?? '(none)'}: ${email.reason}`);
      await migrateToLatest(db);
      const { outcome, user } = await addUser(db, email.email, role as Role);
      console.log(`${outcome}: ${user.email} (${user.role}, ${user.status})`);
      return 0;
    }
    if (command === 'cleanup' && sub === undefined) {
      await migrateToLatest(db);
      const result = await cleanUp(db, { now: new Date(), inviteTtlDays: config.auth.inviteTtlDays });
      if (!result.ran) {
        console.error('skipped: another process is cleaning up right now; try again in a moment');
        return 1;
      }
      for (const [kind, label] of Object.entries(cleanupLabels)) console.log(`removed ${result.removed[kind as keyof CleanupCounts]} ${label}`);
      return 0;
    }
    return fail(command ? `unknown command: ${args.join(' ')}` : 'no command given');
  } finally {
    await db.destroy();
  }
}

const cleanupLabels = {
  codes: 'expired sign-in codes',
  attempts: 'expired sign-in attempts',
  sessions: 'expired sessions',
  outbox: 'old outbox emails',
  rateLimits: 'idle rate-limit rows',
  invitedUsers: 'expired invitations',
} satisfies Record<keyof CleanupCounts, string>;

function fail(message: string): number {
  console.error(`${message}\n\n${usage}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  },
);
