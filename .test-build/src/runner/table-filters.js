"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.relationsWithChildren = relationsWithChildren;
exports.expandTableFilters = expandTableFilters;
exports.findMissingChildData = findMissingChildData;
const core_1 = require("../core");
/** Relation kinds `pg_dump --table` selects: tables, sequences, views, materialized views, foreign and partitioned tables. */
const TABLE_KINDS = ['r', 'S', 'v', 'm', 'f', 'p'];
/**
 * The relations `pg_dump --table` would select for these patterns (in the current database), with every partition
 * and inheritance child below them, at any depth.
 */
async function relationsWithChildren(client, patterns) {
    if (patterns.length === 0)
        return [];
    const conditions = [];
    const values = [TABLE_KINDS];
    for (const pattern of patterns) {
        const regex = (0, core_1.pgNamePatternToRegex)(pattern);
        values.push(regex.name);
        const name = `c.relname OPERATOR(pg_catalog.~) $${values.length} COLLATE pg_catalog.default`;
        if (regex.schema === undefined) {
            conditions.push(`(${name} AND pg_catalog.pg_table_is_visible(c.oid))`);
        }
        else {
            values.push(regex.schema);
            const schema = `n.nspname OPERATOR(pg_catalog.~) $${values.length} COLLATE pg_catalog.default`;
            if (regex.database === undefined) {
                conditions.push(`(${name} AND ${schema})`);
            }
            else {
                values.push(regex.database);
                conditions.push(`(${name} AND ${schema} AND pg_catalog.current_database() OPERATOR(pg_catalog.~) $${values.length} COLLATE pg_catalog.default)`);
            }
        }
    }
    const result = await client.query(`
    WITH RECURSIVE named AS (
      SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind::text = ANY($1::text[]) AND (${conditions.join(' OR ')})
    ), tree(oid) AS (
      SELECT oid FROM named
      UNION
      SELECT i.inhrelid FROM pg_catalog.pg_inherits i JOIN tree t ON i.inhparent = t.oid
    )
    SELECT c.oid::int8::text AS oid, n.nspname AS schema, c.relname AS name
      FROM tree t JOIN pg_catalog.pg_class c ON c.oid = t.oid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     ORDER BY n.nspname, c.relname`, values);
    return result.rows.map((row) => ({ oid: Number(row.oid), schema: row.schema, name: row.name }));
}
/**
 * The policy a pg_dump before 16 needs so that a table filter naming a partitioned (or inherited) table also takes
 * its partitions and children, as `--table-and-children` does from 16 on: each of them named by an exact pattern.
 * A pg_dump of 16 or newer gets the policy unchanged (core renders its filters with `-and-children`).
 */
async function expandTableFilters(client, policy, pgDumpMajorVersion) {
    if (pgDumpMajorVersion >= 16)
        return policy;
    const expand = async (patterns) => {
        if (!patterns || patterns.length === 0)
            return patterns;
        const exact = (await relationsWithChildren(client, patterns)).map((relation) => (0, core_1.exactRelationPattern)(relation.schema, relation.name));
        return [...new Set([...patterns, ...exact])];
    };
    return { ...policy, tables: await expand(policy.tables), excludeTables: await expand(policy.excludeTables) };
}
/**
 * The partitions and inheritance children, at any depth, of the tables whose definitions a dump holds that the
 * statistics show holding rows but whose data the dump does not hold, leaving out those the filters exclude.
 */
async function findMissingChildData(client, dumpedTableOids, tableDataOids, estimatedRowsByOid, excludedOids) {
    if (dumpedTableOids.length === 0)
        return [];
    const result = await client.query(`
    WITH RECURSIVE tree(root, oid) AS (
      SELECT i.inhparent, i.inhrelid FROM pg_catalog.pg_inherits i WHERE i.inhparent = ANY($1::oid[])
      UNION
      SELECT t.root, i.inhrelid FROM pg_catalog.pg_inherits i JOIN tree t ON i.inhparent = t.oid
    )
    SELECT DISTINCT ON (c.oid) c.oid::int8::text AS oid, n.nspname AS schema, c.relname AS name,
           pn.nspname || '.' || p.relname AS parent
      FROM tree t
      JOIN pg_catalog.pg_class c ON c.oid = t.oid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_catalog.pg_class p ON p.oid = t.root JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace
     WHERE c.relkind = 'r'
     ORDER BY c.oid`, [dumpedTableOids]);
    const withData = new Set(tableDataOids);
    return result.rows
        .map((row) => ({
        oid: Number(row.oid), schema: row.schema, name: row.name, parent: row.parent, estimatedRows: estimatedRowsByOid.get(Number(row.oid)) ?? 0,
    }))
        .filter((child) => child.estimatedRows > 0 && !withData.has(child.oid) && !excludedOids.has(child.oid));
}
