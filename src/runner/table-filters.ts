import type { Client } from 'pg';
import { exactRelationPattern, pgNamePatternToRegex, type LogicalDumpPolicy } from '../core';

/** A relation a table pattern names, or one of their partitions or inheritance children. */
export interface FilteredRelation {
  readonly oid: number;
  readonly schema: string;
  readonly name: string;
}

/** Relation kinds `pg_dump --table` selects: tables, sequences, views, materialized views, foreign and partitioned tables. */
const TABLE_KINDS = ['r', 'S', 'v', 'm', 'f', 'p'];

/**
 * The relations `pg_dump --table` would select for these patterns (in the current database), with every partition
 * and inheritance child below them, at any depth.
 */
export async function relationsWithChildren(client: Client, patterns: readonly string[]): Promise<FilteredRelation[]> {
  if (patterns.length === 0) return [];
  const conditions: string[] = [];
  const values: unknown[] = [TABLE_KINDS];
  for (const pattern of patterns) {
    const regex = pgNamePatternToRegex(pattern);
    values.push(regex.name);
    const name = `c.relname OPERATOR(pg_catalog.~) $${values.length} COLLATE pg_catalog.default`;
    if (regex.schema === undefined) {
      conditions.push(`(${name} AND pg_catalog.pg_table_is_visible(c.oid))`);
    } else {
      values.push(regex.schema);
      const schema = `n.nspname OPERATOR(pg_catalog.~) $${values.length} COLLATE pg_catalog.default`;
      if (regex.database === undefined) {
        conditions.push(`(${name} AND ${schema})`);
      } else {
        values.push(regex.database);
        conditions.push(`(${name} AND ${schema} AND pg_catalog.current_database() OPERATOR(pg_catalog.~) $${values.length} COLLATE pg_catalog.default)`);
      }
    }
  }
  const result = await client.query<{ oid: string; schema: string; name: string }>(`
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
export async function expandTableFilters(client: Client, policy: LogicalDumpPolicy, pgDumpMajorVersion: number): Promise<LogicalDumpPolicy> {
  if (pgDumpMajorVersion >= 16) return policy;
  const expand = async (patterns: string[] | undefined): Promise<string[] | undefined> => {
    if (!patterns || patterns.length === 0) return patterns;
    const exact = (await relationsWithChildren(client, patterns)).map((relation) => exactRelationPattern(relation.schema, relation.name));
    return [...new Set([...patterns, ...exact])];
  };
  return { ...policy, tables: await expand(policy.tables), excludeTables: await expand(policy.excludeTables) };
}

/** A partition (or inheritance child) holding rows whose data a dump of its parent left out. */
export interface MissingChildData extends FilteredRelation {
  /** The table the dump selected. */
  readonly parent: string;
  /** Rows the statistics show. */
  readonly estimatedRows: number;
}

/**
 * The partitions and inheritance children, at any depth, of the tables whose definitions a dump holds that the
 * statistics show holding rows but whose data the dump does not hold, leaving out those the filters exclude.
 */
export async function findMissingChildData(
  client: Client, dumpedTableOids: readonly number[], tableDataOids: readonly number[],
  estimatedRowsByOid: ReadonlyMap<number, number>, excludedOids: ReadonlySet<number>,
): Promise<MissingChildData[]> {
  if (dumpedTableOids.length === 0) return [];
  const result = await client.query<{ oid: string; schema: string; name: string; parent: string }>(`
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
