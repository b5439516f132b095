import { type CleanupCounts, cleanUp, provisionUser, type RetentionPolicy } from '@app/auth';
import { createDatabase, type Database, migrateDown, migrateToLatest } from '@app/db';
import { type CliCommand, parseCommand, usage } from './cli-command';
import { loadConfig } from './config';
import { settingToChange } from './operator-error';

async function main(args: string[]): Promise<number> {
  const parsed = parseCommand(args);
  if (!parsed.ok) {
    console.error(`${parsed.reason}\n\n${usage}`);
    return 2;
  }
  if (parsed.command.kind === 'help') {
    console.log(usage);
    return 0;
  }
  const config = loadConfig();
  const db = await createDatabase({ ...config.database, poolSize: 1 });
  try {
    return await run(parsed.command, db, config.retention);
  } finally {
    await db.destroy();
  }
}

async function run(command: Exclude<CliCommand, { kind: 'help' }>, db: Database, retention: RetentionPolicy): Promise<number> {
  switch (command.kind) {
    case 'migrate': {
      const applied = await migrateToLatest(db);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'already up to date');
      return 0;
    }
    case 'migrate down': {
      const reverted = await migrateDown(db);
      console.log(reverted ? `reverted: ${reverted}` : 'nothing to revert');
      return 0;
    }
    case 'add user': {
      await migrateToLatest(db);
      const { outcome, user } = await provisionUser(db, command.email, command.role, 'cli', new Date());
      console.log(`${outcome}: ${user.email} (${user.role}, ${user.status})`);
      return 0;
    }
    case 'cleanup': {
      await migrateToLatest(db);
      const result = await cleanUp(db, { now: new Date(), ...retention });
      if (!result.ran) {
        console.error('skipped: another process is cleaning up right now; try again in a moment');
        return 1;
      }
      for (const [kind, label] of Object.entries(cleanupLabels)) console.log(`removed ${result.removed[kind as keyof CleanupCounts]} ${label}`);
      return 0;
    }
  }
}

const cleanupLabels = {
  codes: 'expired sign-in codes',
  attempts: 'expired sign-in attempts',
  sessions: 'expired sessions',
  outbox: 'old outbox emails',
  rateLimits: 'idle rate-limit rows',
  invitedUsers: 'expired invitations',
  auditEvents: 'audit events older than AUDIT_RETENTION_DAYS',
  emailEvents: 'email provider events older than 30 days',
  deliverability: 'unsuppressed email delivery records older than AUDIT_RETENTION_DAYS',
} satisfies Record<keyof CleanupCounts, string>;

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(settingToChange(error) ?? error);
    process.exit(1);
  },
);
