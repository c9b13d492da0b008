import type { Client, QueryConfig, QueryResult } from 'pg';

/**
 * The predefined role (PostgreSQL 14+) whose privileges user checks run with where the connected role may take it:
 * SELECT on every table, view and sequence and nothing that acts on the server (terminating sessions, reloading the
 * configuration, writing files, running programs, replication slots).
 */
export const CHECK_ROLE = 'pg_read_all_data';

/** SQLSTATE `read_only_sql_transaction`: the statement tried to write. */
const READ_ONLY_VIOLATION = '25006';

/** Whether each connection may take {@link CHECK_ROLE}; asked once per connection. */
const mayTakeCheckRole = new WeakMap<Client, boolean>();

async function canTakeCheckRole(client: Client): Promise<boolean> {
  let allowed = mayTakeCheckRole.get(client);
  if (allowed === undefined) {
    const result = await client.query<{ allowed: boolean }>(`
      SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)
                  THEN pg_has_role(current_user, $1, 'MEMBER') ELSE false END AS allowed`, [CHECK_ROLE]);
    allowed = result.rows[0].allowed === true;
    mayTakeCheckRole.set(client, allowed);
  }
  return allowed;
}

/** How a read-only unit of work runs. */
export interface ReadOnlyOptions {
  /**
   * Take {@link CHECK_ROLE} for the transaction (when the connected role may), so that functions which act on the
   * server without writing data are refused too. Row-level security then raises an error instead of hiding rows.
   * @default false
   */
  readonly asCheckRole?: boolean;
}

/**
 * Runs `work` in a transaction that is READ ONLY from its first statement, has already taken its snapshot (so
 * `SET TRANSACTION READ WRITE` is refused) and is always rolled back, whatever `work` did or raised.
 */
export async function inReadOnlyTransaction<T>(client: Client, work: () => Promise<T>, options: ReadOnlyOptions = {}): Promise<T> {
  const asCheckRole = options.asCheckRole === true && await canTakeCheckRole(client);
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    if (asCheckRole) {
      await client.query(`SET LOCAL ROLE ${CHECK_ROLE}`);
      await client.query('SET LOCAL row_security = off');
    }
    await client.query('SELECT 1');
    return await work();
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
  }
}

/**
 * Runs exactly one statement through the extended query protocol, which PostgreSQL refuses to run when the text
 * holds more than one: no `COMMIT; DROP …` can end the transaction around it.
 */
export function querySingleStatement<R extends unknown[] = unknown[]>(client: Client, text: string): Promise<QueryResult<R>> {
  const config: QueryConfig & { rowMode: 'array'; queryMode: 'extended' } = { text, rowMode: 'array', queryMode: 'extended' };
  return client.query<R>(config);
}

/** Whether a database error is PostgreSQL refusing a write in a read-only transaction. */
export function isReadOnlyViolation(error: unknown): boolean {
  return (error as { code?: string } | undefined)?.code === READ_ONLY_VIOLATION;
}
