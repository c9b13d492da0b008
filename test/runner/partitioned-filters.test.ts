import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { usePostgres } from '../support/postgres';
import { tableRowCounts } from './support/backup-fixtures';
import { runPgBackupInProcess } from './support/pg-backup-process';

describe('a table filter naming a partitioned table dumps its partitions', () => {
  const pg = usePostgres();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-partitions-'));
  const env = () => ({ PG_BIN_DIR: pg().binDir });
  let sourceCounts: Record<string, number>;
  let measurementRows: number;
  let run = 0;

  beforeAll(async () => {
    await pg().createDatabase('metrics');
    await pg().query(`
      CREATE TABLE devices (id int PRIMARY KEY, label text);
      INSERT INTO devices SELECT g, 'device ' || g FROM generate_series(1, 40) g;
      CREATE TABLE measurements (device int, region text, at date, value numeric) PARTITION BY RANGE (at);
      CREATE TABLE measurements_2025 PARTITION OF measurements FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY LIST (region);
      CREATE TABLE measurements_2025_eu PARTITION OF measurements_2025 FOR VALUES IN ('eu');
      CREATE TABLE measurements_2025_us PARTITION OF measurements_2025 FOR VALUES IN ('us');
      CREATE TABLE measurements_2026 PARTITION OF measurements FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
      CREATE INDEX measurements_at ON measurements (at);
      INSERT INTO measurements SELECT g % 40, CASE WHEN g % 3 = 0 THEN 'us' ELSE 'eu' END, DATE '2025-03-01' + (g % 500), g FROM generate_series(1, 3000) g;
      CREATE SCHEMA archive;
      CREATE TABLE readings (device int, at date, value numeric) PARTITION BY RANGE (at);
      CREATE TABLE archive.readings_2024 PARTITION OF readings FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
      CREATE TABLE readings_2025 PARTITION OF readings FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
      INSERT INTO readings SELECT g % 40, DATE '2024-06-01' + (g % 300), g FROM generate_series(1, 900) g;
      ANALYZE;`, 'metrics');
    sourceCounts = await tableRowCounts(pg(), 'metrics');
    measurementRows = Object.entries(sourceCounts).filter(([table]) => table.startsWith('public.measurements')).reduce((sum, [, rows]) => sum + rows, 0);
    expect(measurementRows).toBe(3000);
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  async function dump(...filters: string[]) {
    const to = `file://${root}/run-${++run}`;
    return { to, run: await runPgBackupInProcess(['dump', '--database-url', pg().url('metrics'), '--to', to, ...filters], env()) };
  }

  test.each([
    ['the parent by name', ['--table', 'public.measurements']],
    ['a pattern matching the parent', ['--table', 'measure*s']],
    ['the parent by a quoted name', ['--table', '"public"."measurements"']],
  ])('--table naming %s dumps every partition and sub-partition, and restores every row', async (_name, filters) => {
    const { to, run: dumped } = await dump(...filters);
    expect(dumped).toMatchObject({ exitCode: 0, result: { ok: true, rows: measurementRows, tables: 3 } });

    const verify = await runPgBackupInProcess(['verify', '--from', to, '--latest', '--database', 'metrics', '--target-url', pg().url(), '--amcheck'], env());
    expect(verify).toMatchObject({ exitCode: 0, result: { ok: true, tablesCompared: 3, rowsCompared: measurementRows } });

    const target = await pg().createDatabase(`metrics_restored_${run}`);
    const restore = await runPgBackupInProcess(['restore', '--from', to, '--latest', '--database', 'metrics', '--target-url', pg().url(target)], env());
    expect(restore).toMatchObject({ exitCode: 0 });
    const restored = await tableRowCounts(pg(), target);
    expect(restored).toEqual(Object.fromEntries(Object.entries(sourceCounts).filter(([table]) => table.startsWith('public.measurements'))));
  });

  test('--exclude-table naming the parent leaves its partitions out as well', async () => {
    const { run: dumped } = await dump('--exclude-table', 'public.measurements', '--exclude-table', 'readings');
    expect(dumped).toMatchObject({ exitCode: 0, result: { ok: true, rows: 40, tables: 1 } });
  });

  test('--schema that leaves out the schema of a partition holding rows fails, naming the partition and the fix', async () => {
    const { to, run: dumped } = await dump('--schema', 'public');
    expect(dumped).toMatchObject({ exitCode: 1, result: { ok: false, metrics: { BackupFailed: 1 } } });
    expect(dumped.result.error).toContain('the dump holds the partitioned table but not the data of 1 of its partitions: '
      + `archive.readings_2024 of public.readings (about ${sourceCounts['archive.readings_2024']} rows); include their schemas (--schema)`);
    expect(fs.existsSync(path.join(root, to.split('/').pop()!, 'metrics', 'latest'))).toBe(false);
  });

  test('--schema naming every schema of the partitions dumps every row', async () => {
    const { run: dumped } = await dump('--schema', 'public', '--schema', 'archive');
    const total = Object.values(sourceCounts).reduce((sum, rows) => sum + rows, 0);
    expect(dumped).toMatchObject({ exitCode: 0, result: { ok: true, rows: total } });
  });
});
