import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { useAzurite } from '../support/azurite';
import { usePostgres } from '../support/postgres';
import { useS3 } from '../support/s3';
import { seedShopDatabase, tableRowCounts, writeCheckFile } from './support/backup-fixtures';
import { runPgBackup } from './support/pg-backup-process';

const CHECKS = `
-- Each statement must return a single true.
SELECT bool_and(name LIKE 'customer %') FROM customers;
SELECT count(*) = 1234 FROM "Mixed Case"."Order Lines";
/* a semicolon in a string or a dollar quote does not split: ; */
SELECT $$a;b$$ = 'a;b';
`;

describe('pg-backup round trips a real database through every kind of store', () => {
  const pg = usePostgres();
  const s3 = useS3({ buckets: ['pg-backups'] });
  const azure = useAzurite();
  const fileRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-file-store-'));
  let sourceCounts: Record<string, number>;
  let checkFile: string;

  beforeAll(async () => {
    sourceCounts = await seedShopDatabase(pg(), 'shop');
    await pg().query('CREATE ROLE shop_reader LOGIN');
    await azure().createContainer('backups');
    checkFile = writeCheckFile(CHECKS);
  });
  afterAll(() => fs.rmSync(fileRoot, { recursive: true, force: true }));

  const stores = [
    {
      kind: 's3',
      uri: () => 's3://pg-backups/nightly',
      env: () => s3().env,
      read: async (key: string) => {
        const object = await s3().client.send(new GetObjectCommand({ Bucket: 'pg-backups', Key: `nightly/${key}` }));
        return Buffer.from(await object.Body!.transformToByteArray());
      },
    },
    {
      kind: 'azblob',
      uri: () => `azblob://${azure().account}/backups/nightly`,
      env: () => azure().env,
      read: (key: string) => azure().client.getContainerClient('backups').getBlobClient(`nightly/${key}`).downloadToBuffer(),
    },
    {
      kind: 'file',
      uri: () => `file://${fileRoot}`,
      env: () => ({}),
      read: async (key: string) => fs.promises.readFile(path.join(fileRoot, key)),
    },
  ];

  describe.each(stores)('with $kind', ({ kind, uri, env, read }) => {
    const cliEnv = () => ({ PG_BIN_DIR: pg().binDir, ...env() });
    const totalRows = () => Object.values(sourceCounts).reduce((sum, rows) => sum + rows, 0);

    test('dump, list, verify with a check file and restore reproduce every table with its exact row count', async () => {
      const dump = await runPgBackup(['dump', '--database-url', pg().url('shop'), '--to', uri()], cliEnv());
      expect(dump.stderr).not.toContain(pg().password);
      expect(dump).toMatchObject({ exitCode: 0, result: { ok: true, database: 'shop', format: 'custom', rows: totalRows(), tables: 5 } });
      const backupId = dump.result.backupId as string;
      expect(backupId).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{8}$/);
      const latest = JSON.parse((await read('shop/latest')).toString('utf8'));
      expect(latest.backupId).toBe(backupId);

      const list = await runPgBackup(['list', '--from', uri()], cliEnv());
      expect(list.exitCode).toBe(0);
      expect(list.result.backups).toEqual(expect.arrayContaining([expect.objectContaining({ database: 'shop', backupId, rows: totalRows() })]));

      const verify = await runPgBackup(['verify', '--from', uri(), '--latest', '--target-url', pg().url(), '--jobs', '2', '--check', checkFile], cliEnv());
      expect(verify).toMatchObject({
        exitCode: 0,
        result: { ok: true, backupId, rowCountsCompared: true, tablesCompared: 5, rowsCompared: totalRows(), kept: false },
      });
      expect(verify.result.checks).toHaveLength(3);
      expect(verify.result.checks.every((check: { passed: boolean }) => check.passed)).toBe(true);
      const leftovers = await pg().query("SELECT datname FROM pg_database WHERE datname LIKE 'pg_backup_verify_%'");
      expect(leftovers).toEqual([]);

      const target = await pg().createDatabase(`shop_restored_${kind}`);
      const restore = await runPgBackup(['restore', '--from', uri(), '--backup', backupId, '--target-url', pg().url(target), '--jobs', '2'], cliEnv());
      expect(restore).toMatchObject({ exitCode: 0, result: { ok: true, backupId, tablesRestored: 5 } });
      expect(await tableRowCounts(pg(), target)).toEqual(sourceCounts);
    });

    test('the directory format dumps with -j 2, keeps the globals beside it and verifies with -j 2', async () => {
      const dump = await runPgBackup(['dump', '--database-url', pg().url('shop'), '--to', uri(), '--format', 'directory', '--jobs', '2', '--globals'], cliEnv());
      expect(dump).toMatchObject({ exitCode: 0, result: { ok: true, format: 'directory', rows: totalRows() } });
      const names = (dump.result.objects as { name: string }[]).map((object) => object.name);
      expect(names).toEqual(expect.arrayContaining(['dump/toc.dat', 'globals.sql']));
      expect(names.filter((name) => /^dump\/\d+\.dat/.test(name)).length).toBeGreaterThanOrEqual(5);
      const globals = (await read(`shop/${dump.result.backupId}/globals.sql`)).toString('utf8');
      expect(globals).toContain('CREATE ROLE shop_reader');

      const verify = await runPgBackup(['verify', '--from', uri(), '--backup', dump.result.backupId, '--target-url', pg().url(), '--jobs', '2'], cliEnv());
      expect(verify).toMatchObject({ exitCode: 0, result: { ok: true, rowsCompared: totalRows(), tablesCompared: 5 } });
    });
  });

  test.each(['off', 'estimate'])('a dump with --row-counts %s is recorded as such and restores every row', async (mode) => {
    const cliEnv = { PG_BIN_DIR: pg().binDir };
    await pg().query('ANALYZE', 'shop');
    const to = `file://${fileRoot}/row-counts-${mode}`;
    const dump = await runPgBackup(['dump', '--database-url', pg().url('shop'), '--to', to, '--row-counts', mode], cliEnv);
    expect(dump).toMatchObject({ exitCode: 0, result: { ok: true, rowCounts: mode } });
    const target = await pg().createDatabase(`shop_rows_${mode}`);
    const restore = await runPgBackup(['restore', '--from', to, '--latest', '--database', 'shop', '--target-url', pg().url(target)], cliEnv);
    expect(restore).toMatchObject({ exitCode: 0, result: { ok: true, tablesRestored: 5 } });
    expect(await tableRowCounts(pg(), target)).toEqual(sourceCounts);
  });
});
