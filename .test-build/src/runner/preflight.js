"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.LONG_QUERY_SECONDS = void 0;
exports.runPreflight = runPreflight;
exports.requireClientNotOlder = requireClientNotOlder;
const runner_error_1 = require("./runner-error");
/** Queries running longer than this are reported: they can hold locks the dump will wait for. */
exports.LONG_QUERY_SECONDS = 300;
/** Reads versions, sizes, statistics and long-running queries; every query here reads only catalogs. */
async function runPreflight(client) {
    const version = await client.query("SELECT current_setting('server_version') AS server_version, current_setting('server_version_num') AS num, pg_database_size(current_database())::text AS size");
    const { server_version: serverVersion, num, size } = version.rows[0];
    const tables = await client.query(`
    SELECT c.oid::int8 AS oid, n.nspname AS schema, c.relname AS table,
           (c.relpages::int8 * current_setting('block_size')::int8)::text AS bytes,
           GREATEST(c.reltuples, COALESCE(s.n_live_tup, 0), 0)::int8::text AS rows
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
     WHERE c.relkind IN ('r', 'p', 'm')
       AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'`);
    const largestTables = [...tables.rows]
        .sort((a, b) => Number(b.bytes) - Number(a.bytes))
        .slice(0, 5)
        .map((row) => ({ schema: row.schema, table: row.table, approximateBytes: Number(row.bytes) }));
    const long = await client.query(`
    SELECT pid, EXTRACT(EPOCH FROM now() - query_start)::int8::text AS seconds, state, left(query, 200) AS query
      FROM pg_stat_activity
     WHERE pid <> pg_backend_pid() AND state <> 'idle' AND backend_type = 'client backend'
       AND query_start < now() - make_interval(secs => $1)
     ORDER BY query_start`, [exports.LONG_QUERY_SECONDS]);
    const serverVersionNum = Number(num);
    return {
        serverVersion,
        serverVersionNum,
        serverMajorVersion: Math.floor(serverVersionNum / 10000),
        databaseSizeBytes: Number(size),
        largestTables,
        estimatedRowsByOid: new Map(tables.rows.map((row) => [Number(row.oid), Number(row.rows)])),
        longRunningQueries: long.rows.map((row) => ({ pid: row.pid, runningSeconds: Number(row.seconds), state: row.state, query: row.query })),
    };
}
/**
 * Refuses a client older than the server: pg_dump cannot read a newer server's catalogs, and
 * pg_restore cannot read archives written by a newer pg_dump.
 */
function requireClientNotOlder(tool, clientMajor, serverMajor) {
    if (clientMajor < serverMajor) {
        throw new runner_error_1.RunnerError(`${tool} ${clientMajor} is older than the PostgreSQL ${serverMajor} server; use a PostgreSQL ${serverMajor} (or newer) client ` +
            '(the runner image takes the client major as the PG_MAJOR build argument)');
    }
}
