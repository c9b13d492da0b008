import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { useAzurite } from '../support/azurite';
import { usePostgres } from '../support/postgres';
import { useS3 } from '../support/s3';
import { createSampleDatabase, databaseFingerprint, type DatabaseFingerprint } from '../support/sample-database';
import { runPgBackup } from './support/pg-backup-process';

/**
 * The generated sample database (partitions of partitions, a partitioned index, domains, an enum, triggers, views, a
 * materialized view, large objects, jsonb, generated columns, arrays, an unusual sequence, a table without a key)
 * dumped, verified and restored through every kind of store: the restored database has the same rows in every
 * table, partition, view and materialized view (count and content hash), the same large objects, sequence values
 * and definitions; so has the scratch database verify restored while the backup downloaded.
 */
describe('the sample database round trips through every kind of store unchanged', () => {
  const pg = usePostgres();
  const s3 = useS3({ buckets: ['sample-backups'] });
  const azure = useAzurite();
  const fileRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-sample-'));
  let source: DatabaseFingerprint;

  beforeAll(async () => {
    await createSampleDatabase(pg(), 'sample');
    await azure().createContainer('sample');
    source = await databaseFingerprint(pg(), 'sample');
  });
  afterAll(() => fs.rmSync(fileRoot, { recursive: true, force: true }));

  test('the fingerprint sees what the sample holds', () => {
    expect(source.relations).toMatchObject({
      'store.orders_2025_eu': { rows: expect.any(Number) },
      'store.orders_2025_other': { rows: expect.any(Number) },
      'store.orders_2026': { rows: expect.any(Number) },
      'store.customer_totals': { rows: 120 },
      'ops.audit_log': { rows: 403 },
    });
    expect(source.relations['store.orders_2025_eu'].rows + source.relations['store.orders_2025_other'].rows + source.relations['store.orders_2026'].rows).toBe(400);
    expect(source.largeObjects).toHaveLength(4);
    expect(source.sequences).toContainEqual(expect.objectContaining({ sequencename: 'ticket_numbers', increment_by: '-7', cycle: true, last_value: '-16' }));
    expect(source.definitions).toContainEqual(expect.stringMatching(/^partitioned index orders_customer /));
    expect(source.definitions).toContainEqual(expect.stringMatching(/^trigger CREATE TRIGGER orders_audit AFTER INSERT ON store\.orders/));
  });

  describe.each([
    { kind: 'file', uri: () => `file://${fileRoot}`, env: () => ({}) },
    { kind: 's3', uri: () => 's3://sample-backups/nightly', env: () => s3().env },
    { kind: 'azblob', uri: () => `azblob://${azure().account}/sample/nightly`, env: () => azure().env },
  ])('through $kind', ({ kind, uri, env }) => {
    const cliEnv = () => ({ PG_BIN_DIR: pg().binDir, ...env() });

    test('dump, verify --amcheck and restore into a fresh database reproduce every row, large object, sequence and definition', async () => {
      const dump = await runPgBackup(['dump', '--database-url', pg().url('sample'), '--to', uri()], cliEnv());
      expect(dump).toMatchObject({ exitCode: 0, result: { ok: true } });
      const verify = await runPgBackup(['verify', '--from', uri(), '--backup', dump.result.backupId, '--target-url', pg().url(), '--amcheck', '--keep'], cliEnv());
      expect(verify).toMatchObject({ exitCode: 0, result: { ok: true, rowCountsCompared: true, kept: true } });
      expect(verify.result.indexesChecked).toBeGreaterThan(0);
      // What verify restored while the backup downloaded (pre-data, each table's data, then the rest) is the whole database.
      expect(await databaseFingerprint(pg(), verify.result.scratchDatabase)).toEqual(source);
      await pg().query(`DROP DATABASE "${verify.result.scratchDatabase}"`);
      const restore = await runPgBackup(['restore', '--from', uri(), '--backup', dump.result.backupId, '--target-url', pg().url(`sample_${kind}`)], cliEnv());
      expect(restore).toMatchObject({ exitCode: 0, result: { ok: true, databaseCreated: true } });
      expect(await databaseFingerprint(pg(), `sample_${kind}`)).toEqual(source);
    });
  });
});
