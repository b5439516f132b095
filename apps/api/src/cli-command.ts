import { parseEmail, ROLES } from '@app/auth';
import type { Role } from '@app/db';

export const usage = `Usage:
  pnpm cli migrate                          apply pending migrations
  pnpm cli migrate down                     revert the latest migration
  pnpm cli users add EMAIL [--role admin|user]  add a user (or change their role)
  pnpm cli cleanup                          delete expired codes, attempts, sessions, emails,
                                            rate-limit rows and invitations past INVITE_TTL_DAYS
  pnpm cli help                             show this text`;

export type CliCommand =
  | { kind: 'migrate' }
  | { kind: 'migrate down' }
  | { kind: 'add user'; email: string; role: Role }
  | { kind: 'cleanup' }
  | { kind: 'help' };

export type ParsedCommand = { ok: true; command: CliCommand } | { ok: false; reason: string };

const refuse = (reason: string): ParsedCommand => ({ ok: false, reason });
const ok = (command: CliCommand): ParsedCommand => ({ ok: true, command });

/**
 * Reads the command line, before anything touches the database: a mistyped command or a bad
 * email is refused at once, with the reason.
 */
export function parseCommand(args: readonly string[]): ParsedCommand {
  const [command, ...rest] = args;
  switch (command) {
    case undefined:
      return refuse('no command given');
    case 'help':
    case '--help':
    case '-h':
      return ok({ kind: 'help' });
    case 'migrate':
      if (rest.length === 0 || (rest.length === 1 && rest[0] === 'up')) return ok({ kind: 'migrate' });
      if (rest.length === 1 && rest[0] === 'down') return ok({ kind: 'migrate down' });
      return refuse(`unknown command: ${args.join(' ')}`);
    case 'cleanup':
      return rest.length === 0 ? ok({ kind: 'cleanup' }) : refuse(`cleanup takes no arguments, got: ${rest.join(' ')}`);
    case 'users':
      return rest[0] === 'add' ? parseAddUser(rest.slice(1)) : refuse(`unknown command: ${args.join(' ')}`);
    default:
      return refuse(`unknown command: ${args.join(' ')}`);
  }
}

function parseAddUser(args: readonly string[]): ParsedCommand {
  const positional: string[] = [];
  let role: string = 'user';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--role') {
      const value = args[++i];
      if (value === undefined) return refuse(`--role needs a value: one of ${ROLES.join(', ')}`);
      role = value;
    } else if (arg.startsWith('--')) {
      return refuse(`unknown option: ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  if (!ROLES.includes(role as Role)) return refuse(`--role must be one of: ${ROLES.join(', ')}`);
  if (positional.length === 0) return refuse('users add needs an EMAIL');
  if (positional.length > 1) return refuse(`users add takes one EMAIL, got: ${positional.join(' ')}`);
  const email = parseEmail(positional[0]);
  if (!email.ok) return refuse(`${JSON.stringify(positional[0])} is not an email address (${email.reason})`);
  return ok({ kind: 'add user', email: email.email, role: role as Role });
}
