import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BackupManifest } from '../../../src/runner/backup-manifest';
import { backupIdAt } from '../../support/gfs-calendar';
import type { PostgresCluster } from '../../support/postgres';

/** Creates a database with ordinary, quoted, partitioned and empty tables, and returns its exact row counts by table. */
export async function seedShopDatabase(pg: PostgresCluster, name: string): Promise<Record<string, number>> {
  await pg.createDatabase(name);
  await pg.query(`
    CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL);
    INSERT INTO customers (name) SELECT 'customer ' || g FROM generate_series(1, 2500) g;
    CREATE SCHEMA "Mixed Case";
    CREATE TABLE "Mixed Case"."Order Lines" (id int PRIMARY KEY, qty int);
    INSERT INTO "Mixed Case"."Order Lines" SELECT g, g % 7 FROM generate_series(1, 1234) g;
    CREATE SCHEMA sales;
    CREATE TABLE sales.events (id int, at date) PARTITION BY RANGE (at);
    CREATE TABLE sales.events_2025 PARTITION OF sales.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
    CREATE TABLE sales.events_2026 PARTITION OF sales.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
    INSERT INTO sales.events SELECT g, DATE '2025-06-01' + (g % 400) FROM generate_series(1, 700) g;
    CREATE TABLE empty_table (id int);
    ANALYZE;`, name);
  return tableRowCounts(pg, name);
}

/** Exact row counts of every ordinary table of a database, keyed `schema.table`. */
export async function tableRowCounts(pg: PostgresCluster, database: string): Promise<Record<string, number>> {
  const tables = await pg.query<{ schema: string; table: string }>(`
    SELECT n.nspname AS schema, c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`, database);
  const counts: Record<string, number> = {};
  for (const { schema, table } of tables) {
    const [{ rows }] = await pg.query<{ rows: string }>(`SELECT count(*) AS rows FROM ONLY "${schema.replace(/"/g, '""')}"."${table.replace(/"/g, '""')}"`, database);
    counts[`${schema}.${table}`] = Number(rows);
  }
  return counts;
}

/** Writes a check file into a fresh temporary directory and returns its path. */
export function writeCheckFile(sql: string): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-checks-'));
  const file = path.join(directory, 'checks.sql');
  fs.writeFileSync(file, sql);
  return file;
}

/**
 * The manifest a dump of `database` taken at `at` writes, with one small dump object (`dump`) and the retention classes
 * given: for tests that list, keep and delete backups without taking them.
 */
export function manifestAt(database: string, at: Date, classes: BackupManifest['retentionClasses'] | undefined, dump: Buffer): BackupManifest {
  const iso = at.toISOString();
  return {
    manifestVersion: 1,
    backupId: backupIdAt(at.getTime()),
    database,
    startedAt: iso,
    snapshotAt: iso,
    finishedAt: new Date(at.getTime() + 60_000).toISOString(),
    durationSeconds: 60,
    server: { version: '15.0', versionNum: 150000, databaseSizeBytes: 1 },
    tools: { pgDump: '15.0', runner: 'test' },
    format: 'custom',
    dumpOptions: {},
    objects: [{ name: 'dump.pgdump', role: 'dump', bytes: dump.length, sha256: createHash('sha256').update(dump).digest('hex') }],
    totalBytes: dump.length,
    rowCounts: { mode: 'off', tables: [], totalRows: 0 },
    ...(classes ? { retentionClasses: classes } : {}),
  };
}
