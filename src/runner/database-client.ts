import { Client } from 'pg';
import type { DatabaseConnection } from './database-connection';
import { RunnerError, errorMessage } from './runner-error';

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
