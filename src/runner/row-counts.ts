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
  return new RestoredRowCounts(client, expected).mismatches();
}

/**
 * Compares the row counts of a restored database with the manifest's, table by table while the restore goes on: a
 * table is counted (`count(*)` of the table alone, in a read-only transaction) as soon as its data is loaded, one
 * count at a time on one connection, so counting overlaps the loading of the other tables instead of following the
 * whole restore. A loaded table cannot change afterwards: what the rest of a restore adds (indexes, constraints,
 * triggers, privileges) holds no rows.
 */
export class RestoredRowCounts {
  private readonly counted = new Map<string, RowCountMismatch | undefined>();
  /** Tables waiting for their count: the counts that pile up while one runs are taken together in one transaction. */
  private pending: TableRowCount[] = [];
  private draining?: Promise<void>;
  private failure?: { error: unknown };

  private readonly byKey: Map<string, TableRowCount>;

  constructor(private readonly client: Client, private readonly expected: readonly TableRowCount[]) {
    this.byKey = new Map(expected.map((entry) => [key(entry), entry]));
  }

  /** Counts a loaded table (after the counts asked for before); a table the manifest does not count is left alone. */
  public count(schema: string, table: string): void {
    const entry = this.byKey.get(key({ schema, table }));
    if (entry === undefined || this.counted.has(key(entry))) return;
    this.counted.set(key(entry), undefined);
    this.pending.push(entry);
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
  }

  /**
   * Takes the rows the server said its `COPY` inserted into a table this restore created empty (and that nothing else
   * writes to) as its count, instead of counting it: the same number, without a second scan of the table on the server.
   */
  public copied(schema: string, table: string, rows: number): void {
    const entry = this.byKey.get(key({ schema, table }));
    if (entry === undefined || this.counted.has(key(entry))) return;
    this.counted.set(key(entry), rows === entry.rows ? undefined : { schema: entry.schema, table: entry.table, expected: entry.rows, actual: rows });
  }

  /** Counts the tables not counted yet and returns every table whose count differs from the manifest's, in the manifest's order. */
  public async mismatches(): Promise<RowCountMismatch[]> {
    for (const entry of this.expected) this.count(entry.schema, entry.table);
    while (this.draining) await this.draining;
    if (this.failure) throw this.failure.error;
    return this.expected.map((entry) => this.counted.get(key(entry))).filter((mismatch): mismatch is RowCountMismatch => mismatch !== undefined);
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0 && !this.failure) {
      const tables = this.pending;
      this.pending = [];
      try {
        await inReadOnlyTransaction(this.client, async () => {
          for (const entry of tables) this.counted.set(key(entry), await countAndCompare(this.client, entry));
        });
      } catch (error) {
        this.failure = { error };
      }
    }
  }
}

function key(entry: Pick<TableRowCount, 'schema' | 'table'>): string {
  return JSON.stringify([entry.schema, entry.table]);
}

async function countAndCompare(client: Client, entry: TableRowCount): Promise<RowCountMismatch | undefined> {
  const exists = await client.query('SELECT to_regclass($1) IS NOT NULL AS present', [qualifiedTable(entry.schema, entry.table)]);
  if (!exists.rows[0].present) return { schema: entry.schema, table: entry.table, expected: entry.rows, actual: 'missing' };
  const result = await client.query<{ rows: string }>(`SELECT count(*)::text AS rows FROM ONLY ${qualifiedTable(entry.schema, entry.table)}`);
  const actual = Number(result.rows[0].rows);
  return actual === entry.rows ? undefined : { schema: entry.schema, table: entry.table, expected: entry.rows, actual };
}
