import { describe, expect, it } from 'vitest';
import { parseCommand } from './cli-command';

describe('the command line', () => {
  it('reads every command', () => {
    expect(parseCommand(['migrate'])).toEqual({ ok: true, command: { kind: 'migrate' } });
    expect(parseCommand(['migrate', 'up'])).toEqual({ ok: true, command: { kind: 'migrate' } });
    expect(parseCommand(['migrate', 'down'])).toEqual({ ok: true, command: { kind: 'migrate down' } });
    expect(parseCommand(['cleanup'])).toEqual({ ok: true, command: { kind: 'cleanup' } });
    for (const help of ['help', '--help', '-h']) expect(parseCommand([help])).toEqual({ ok: true, command: { kind: 'help' } });
  });

  it('adds a user as a user unless told otherwise, with the email tidied', () => {
    expect(parseCommand(['users', 'add', ' Boss@Example.com '])).toEqual({
      ok: true,
      command: { kind: 'add user', email: 'boss@example.com', role: 'user' },
    });
    const admin = { ok: true, command: { kind: 'add user', email: 'boss@example.com', role: 'admin' } };
    expect(parseCommand(['users', 'add', 'boss@example.com', '--role', 'admin'])).toEqual(admin);
    expect(parseCommand(['users', 'add', '--role', 'admin', 'boss@example.com'])).toEqual(admin);
  });

  it.each([
    [[], 'no command given'],
    [['frobnicate'], 'unknown command: frobnicate'],
    [['migrate', 'sideways'], 'unknown command: migrate sideways'],
    [['migrate', 'down', 'twice'], 'unknown command: migrate down twice'],
    [['cleanup', 'now'], 'cleanup takes no arguments, got: now'],
    [['users'], 'unknown command: users'],
    [['users', 'remove', 'a@example.com'], 'unknown command: users remove a@example.com'],
    [['users', 'add'], 'users add needs an EMAIL'],
    [['users', 'add', '   '], '"   " is not an email address (missing_email)'],
    [['users', 'add', 'not-an-email'], '"not-an-email" is not an email address (invalid_email)'],
    [['users', 'add', 'a@example.com', 'b@example.com'], 'users add takes one EMAIL, got: a@example.com b@example.com'],
    [['users', 'add', 'a@example.com', '--role'], '--role needs a value: one of admin, user'],
    [['users', 'add', 'a@example.com', '--role', 'owner'], '--role must be one of: admin, user'],
    [['users', 'add', 'a@example.com', '--admin'], 'unknown option: --admin'],
  ])('refuses %j with a reason', (args, reason) => {
    expect(parseCommand(args)).toEqual({ ok: false, reason });
  });
});
