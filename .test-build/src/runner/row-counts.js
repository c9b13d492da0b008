"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.countRowsByOid = countRowsByOid;
exports.compareRowCounts = compareRowCounts;
const database_client_1 = require("./database-client");
const read_only_query_1 = require("./read-only-query");
const runner_error_1 = require("./runner-error");
/** Counts rows of the tables with these oids (`count(*)` of each table alone, `ONLY` so parents of partitions are not counted twice). */
async function countRowsByOid(client, oids, mode) {
    if (oids.length === 0)
        return [];
    const tables = await client.query(`
    SELECT c.oid::int8::text AS oid, n.nspname AS schema, c.relname AS table,
           GREATEST(c.reltuples, 0)::int8::text AS estimate
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = ANY($1::oid[])
     ORDER BY n.nspname, c.relname`, [oids]);
    if (tables.rows.length !== new Set(oids).size) {
        throw new runner_error_1.RunnerError(`the archive names ${oids.length} tables but only ${tables.rows.length} exist in the snapshot`);
    }
    const counts = [];
    for (const row of tables.rows) {
        if (mode === 'estimate') {
            counts.push({ schema: row.schema, table: row.table, rows: Number(row.estimate) });
            continue;
        }
        const result = await client.query(`SELECT count(*)::text AS rows FROM ONLY ${(0, database_client_1.qualifiedTable)(row.schema, row.table)}`);
        counts.push({ schema: row.schema, table: row.table, rows: Number(result.rows[0].rows) });
    }
    return counts;
}
/** Counts each table of `expected` in a restored database and returns those that differ. */
async function compareRowCounts(client, expected) {
    return (0, read_only_query_1.inReadOnlyTransaction)(client, () => countAndCompare(client, expected));
}
async function countAndCompare(client, expected) {
    const mismatches = [];
    for (const entry of expected) {
        const exists = await client.query('SELECT to_regclass($1) IS NOT NULL AS present', [(0, database_client_1.qualifiedTable)(entry.schema, entry.table)]);
        if (!exists.rows[0].present) {
            mismatches.push({ schema: entry.schema, table: entry.table, expected: entry.rows, actual: 'missing' });
            continue;
        }
        const result = await client.query(`SELECT count(*)::text AS rows FROM ONLY ${(0, database_client_1.qualifiedTable)(entry.schema, entry.table)}`);
        const actual = Number(result.rows[0].rows);
        if (actual !== entry.rows)
            mismatches.push({ schema: entry.schema, table: entry.table, expected: entry.rows, actual });
    }
    return mismatches;
}
