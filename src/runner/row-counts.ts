import type { Client } from 'pg';
import type { TableRowCount } from './backup-manifest';
import { qualifiedTable } from './database-client';
import { inReadOnlyTransaction } from './read-only-query';
import { RunnerError } from './runner-error';

/** Counts rows of the tables with these oids (`count(*)` of each table alone, `ONLY` so parents of partitions are not counted twice). */
export async function countRowsByOid(client: Client, oids: readonly number[], mode: 'exact' | 'estimate'): Promise<TableRowCount[]> {
  if (oids.length === 0) return [];
  const tables = await client.query<{ oid: string; schema: string; table: string; estimate: string }>(`
    SELECT c.oid::int8::text AS oid, n.nspname AS schema, c.relname AS table,
           GREATEST(c.reltuples, 0)::int8::text AS estimate
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = ANY($1::oid[])
     ORDER BY n.nspname, c.relname`, [oids]);
  if (tables.rows.length !== new Set(oids).size) {
    throw new RunnerError(`the archive names ${oids.length} tables but only ${tables.rows.length} exist in the snapshot`);
  }
  const counts: TableRowCount[] = [];
  for (const row of tables.rows) {
    if (mode === 'estimate') {
      counts.push({ schema: row.schema, table: row.table, rows: Number(row.estimate) });
      continue;
    }
    const result = await client.query<{ rows: string }>(`SELECT count(*)::text AS rows FROM ONLY ${qualifiedTable(row.schema, row.table)}`);
    counts.push({ schema: row.schema, table: row.table, rows: Number(result.rows[0].rows) });
  }
  return counts;
}

/** A table whose restored row count differs from the manifest's. */
export interface RowCountMismatch {
  /** Schema name. */
  readonly schema: string;
  /** Table name. */
  readonly table: string;
  /** Rows in the manifest. */
  readonly expected: number;
  /** Rows found, or `missing` when the table is not there. */
  readonly actual: number | 'missing';
}

/** Counts each table of `expected` in a restored database and returns those that differ. */
export async function compareRowCounts(client: Client, expected: readonly TableRowCount[]): Promise<RowCountMismatch[]> {
  return inReadOnlyTransaction(client, () => countAndCompare(client, expected));
}

async function countAndCompare(client: Client, expected: readonly TableRowCount[]): Promise<RowCountMismatch[]> {
  const mismatches: RowCountMismatch[] = [];
  for (const entry of expected) {
    const exists = await client.query('SELECT to_regclass($1) IS NOT NULL AS present', [qualifiedTable(entry.schema, entry.table)]);
    if (!exists.rows[0].present) {
      mismatches.push({ schema: entry.schema, table: entry.table, expected: entry.rows, actual: 'missing' });
      continue;
    }
    const result = await client.query<{ rows: string }>(`SELECT count(*)::text AS rows FROM ONLY ${qualifiedTable(entry.schema, entry.table)}`);
    const actual = Number(result.rows[0].rows);
    if (actual !== entry.rows) mismatches.push({ schema: entry.schema, table: entry.table, expected: entry.rows, actual });
  }
  return mismatches;
}
