import { Client } from 'pg';
import type { DatabaseConnection } from './database-connection';
import { RunnerError, errorCauses, errorMessage } from './runner-error';

/** Seconds to wait for a server to accept a connection before giving up. */
const CONNECT_TIMEOUT_MS = 30_000;

/**
 * A connected `pg` client, or a {@link RunnerError} that says which server could not be reached and
 * the server's own reason (refused, wrong password, no such database), never the password.
 */
export async function connectDatabase(connection: DatabaseConnection, purpose: string): Promise<Client> {
  const client = new Client({ ...connection.clientConfig(), connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // A server that goes away later surfaces on the next query; without a listener it would crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new RunnerError(`cannot connect to ${connection.describe()} (${purpose}): ${errorMessage(error) || (error as { code?: string }).code || 'unknown error'}`, { cause: error });
  }
  return client;
}

/** Quotes an SQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The qualified, quoted name of a table. */
export function qualifiedTable(schema: string, table: string): string {
  return `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
}

/**
 * SQLSTATEs of a server that ended the session: shut down (57P01 admin, 57P02 crash, 57P03 cannot connect now) or a
 * connection failure (08006, 08003); and the socket errors of a connection the server or the network dropped while it
 * was open (a reset, a write into a closed socket), which node-postgres passes on as they are when its socket notices
 * before the protocol does.
 */
const SERVER_GONE_CODES = new Set(['57P01', '57P02', '57P03', '08006', '08003', 'ECONNRESET', 'EPIPE']);
/** The same, as node-postgres and libpq (pg_dump, pg_restore, psql) word it. */
const SERVER_GONE_MESSAGES = new RegExp([
  'Connection terminated unexpectedly', 'Client has encountered a connection error and is not queryable', 'server closed the connection unexpectedly', 'terminating connection due to administrator command',
  'could not receive data from server', 'the database system is shutting down', 'no connection to the server',
  'connection to server was lost', 'SSL SYSCALL error: EOF detected',
].join('|'));

/**
 * What to tell an operator when `error` (or its cause) says the database server went away in the middle of the work,
 * which node-postgres and libpq report in words that read like a bug of the backup tool; `undefined` otherwise.
 */
export function serverGoneAdvice(error: unknown): string | undefined {
  const gone = errorCauses(error).some((candidate) => {
    const e = candidate as { code?: unknown; message?: unknown };
    return (typeof e?.code === 'string' && SERVER_GONE_CODES.has(e.code)) || (typeof e?.message === 'string' && SERVER_GONE_MESSAGES.test(e.message));
  });
  return gone
    ? 'the database server closed the connection during the run: it was stopped, restarted or failed over, or the network to it dropped; '
      + 'run the command again once the server answers'
    : undefined;
}
