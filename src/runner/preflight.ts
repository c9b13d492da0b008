import type { Client } from 'pg';
import { RunnerError } from './runner-error';

/** Queries running longer than this are reported: they can hold locks the dump will wait for. */
export const LONG_QUERY_SECONDS = 300;

/** A large table of the database, from catalog statistics (no lock is taken to size it). */
export interface LargeTable {
  /** Schema name. */
  readonly schema: string;
  /** Table name. */
  readonly table: string;
  /** Approximate size in bytes (pages × block size). */
  readonly approximateBytes: number;
}

/** A query that has been running for more than {@link LONG_QUERY_SECONDS}. */
export interface LongRunningQuery {
  /** Backend pid. */
  readonly pid: number;
  /** Seconds since the query started. */
  readonly runningSeconds: number;
  /** Backend state (`active`, `idle in transaction`…). */
  readonly state: string;
  /** The first 200 characters of the query. */
  readonly query: string;
}

/** What the runner learns about the server before it dumps. */
export interface PreflightReport {
  /** `server_version`, e.g. `15.14 (Debian …)`. */
  readonly serverVersion: string;
  /** `server_version_num`, e.g. 150014. */
  readonly serverVersionNum: number;
  /** Major version, e.g. 15. */
  readonly serverMajorVersion: number;
  /** `pg_database_size` of the database. */
  readonly databaseSizeBytes: number;
  /**
   * Pages of its tables and materialized views and their TOAST tables (no indexes), from the statistics VACUUM and
   * ANALYZE keep (pg_table_size would wait for a lock): about what a dump without compression reads; 0 before any.
   */
  readonly tableDataBytes: number;
  /** The five largest tables. */
  readonly largestTables: LargeTable[];
  /** The planner's row estimate of every table, by oid, to recognise a dump that lost its data. */
  readonly estimatedRowsByOid: ReadonlyMap<number, number>;
  /** Queries that may block the dump. */
  readonly longRunningQueries: LongRunningQuery[];
}

/** Reads versions, sizes, statistics and long-running queries; every query here reads only catalogs. */
export async function runPreflight(client: Client): Promise<PreflightReport> {
  const version = await client.query<{ server_version: string; num: string; size: string }>(
    "SELECT current_setting('server_version') AS server_version, current_setting('server_version_num') AS num, pg_database_size(current_database())::text AS size");
  const { server_version: serverVersion, num, size } = version.rows[0];
  const tables = await client.query<{ oid: number; schema: string; table: string; bytes: string; data_bytes: string; rows: string }>(`
    SELECT c.oid::int8 AS oid, n.nspname AS schema, c.relname AS table,
           (c.relpages::int8 * current_setting('block_size')::int8)::text AS bytes,
           ((c.relpages::int8 + COALESCE(t.relpages, 0)::int8) * current_setting('block_size')::int8)::text AS data_bytes,
           GREATEST(c.reltuples, COALESCE(s.n_live_tup, 0), 0)::int8::text AS rows
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
      LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
     WHERE c.relkind IN ('r', 'p', 'm')
       AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'`);
  const largestTables = [...tables.rows]
    .sort((a, b) => Number(b.bytes) - Number(a.bytes))
    .slice(0, 5)
    .map((row) => ({ schema: row.schema, table: row.table, approximateBytes: Number(row.bytes) }));
  const long = await client.query<{ pid: number; seconds: string; state: string; query: string }>(`
    SELECT pid, EXTRACT(EPOCH FROM now() - query_start)::int8::text AS seconds, state, left(query, 200) AS query
      FROM pg_stat_activity
     WHERE pid <> pg_backend_pid() AND state <> 'idle' AND backend_type = 'client backend'
       AND query_start < now() - make_interval(secs => $1)
     ORDER BY query_start`, [LONG_QUERY_SECONDS]);
  const serverVersionNum = Number(num);
  return {
    serverVersion,
    serverVersionNum,
    serverMajorVersion: Math.floor(serverVersionNum / 10000),
    databaseSizeBytes: Number(size),
    tableDataBytes: tables.rows.reduce((sum, row) => sum + Number(row.data_bytes), 0),
    largestTables,
    estimatedRowsByOid: new Map(tables.rows.map((row) => [Number(row.oid), Number(row.rows)])),
    longRunningQueries: long.rows.map((row) => ({ pid: row.pid, runningSeconds: Number(row.seconds), state: row.state, query: row.query })),
  };
}

/**
 * Refuses a client older than the server: pg_dump cannot read a newer server's catalogs, and
 * pg_restore cannot read archives written by a newer pg_dump.
 * @param newer what the client is older than, for the message
 */
export function requireClientNotOlder(tool: string, clientMajor: number, serverMajor: number, newer = `the PostgreSQL ${serverMajor} server`): void {
  if (clientMajor < serverMajor) {
    throw new RunnerError(
      `${tool} ${clientMajor} is older than ${newer}; use a PostgreSQL ${serverMajor} (or newer) client ` +
      `(Debian package postgresql-client-${serverMajor}; the runner image takes the client major as the PG_MAJOR build argument)`);
  }
}
