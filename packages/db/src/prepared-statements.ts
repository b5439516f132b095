/**
 * Names for statements that repeat, so `pg` runs them as prepared statements: Postgres then parses
 * and plans each once per connection instead of on every call. For this app's short statements the
 * planning cost Postgres about as much CPU as running them (docs/performance.md). Above it, the
 * auth package builds its hot statements' SQL text once (packages/auth/src/sql/compiled-statement.ts),
 * which also keeps that text identical from call to call, so it is named here.
 *
 * A statement is named the second time its SQL text is seen (one-off statements stay unnamed), and
 * the number of names is capped. Statements that select or return `*` stay unnamed: a migration that
 * adds a column would change their result type under the prepared plan, which Postgres refuses.
 */
export class StatementNames {
  private readonly seen = new Map<string, string | null>();
  private named = 0;

  constructor(
    private readonly maxNames = 200,
    private readonly maxSeen = 2_000,
  ) {}

  /** The name to prepare `sql` under, or undefined to run it unnamed. */
  nameFor(sql: string): string | undefined {
    const known = this.seen.get(sql);
    if (known) return known;
    if (known === null && this.named < this.maxNames) {
      const name = `s${this.named++}`;
      this.seen.set(sql, name);
      return name;
    }
    if (known === undefined && this.seen.size < this.maxSeen && !sql.includes('*')) this.seen.set(sql, null);
    return undefined;
  }
}

/** Postgres's answer when a prepared statement's result columns changed under it (e.g. a migration). */
export function isStalePreparedStatement(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === '0A000' && typeof message === 'string' && message.includes('cached plan must not change result type');
}

/**
 * Postgres's answer when a statement name is already taken, or missing, on the server connection:
 * a transaction-mode pooler hands server connections to other clients between transactions, so
 * the names one process prepared turn up under another (PgBouncer before 1.21, or without
 * `max_prepared_statements`).
 */
export function isPreparedStatementConflict(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (code === '42P05' || code === '26000') && typeof message === 'string' && /^prepared statement ".*" (already exists|does not exist)$/.test(message);
}

/** Thrown instead of the pooler's error, so operators read what to change rather than a stack. */
export class PreparedStatementsUnsupportedError extends Error {
  constructor(cause: unknown) {
    super(
      `Postgres answered "${(cause as Error).message}": a connection pooler in transaction mode (such as PgBouncer ` +
        'before 1.21, or without max_prepared_statements) hands each transaction a different server connection, so ' +
        'prepared statements cannot be kept. Set DATABASE_PREPARED_STATEMENTS=false to run every statement unnamed.',
      { cause },
    );
    this.name = 'PreparedStatementsUnsupportedError';
  }
}
