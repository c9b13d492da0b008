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
 * materialized view, large objects, jsonb, generated columns, arrays, an unusual sequence, a table without a key, and
 * what public sample databases add: owners and privileges of several roles, contrib extensions, full-text search,
 * quoted and non-ASCII names, row-level security, inheritance with a rule) dumped with its roles, verified and restored
 * through every kind of store: the restored database has the same rows in every table, partition, view and
 * materialized view (count and content hash), the same large objects, sequence values, definitions, owners and
 * privileges; so has the scratch database verify restored while the backup downloaded, and a directory-format backup
 * restored with --globals onto a server that had none of the roles.
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
    // What the public sample databases hold besides, so that a restore that loses it fails the comparison.
    expect(source.relations).toMatchObject({
      'Sales Dept.Order Lines': { rows: 40 },
      'public.2019': { rows: 25 },
      'ops.tickets_archive': { rows: 5 },
      'ops.sessions': { rows: 12 },
      'store.monthly_totals': { md5: 'not populated' },
    });
    expect(source.largeObjects[0]).toMatchObject({ owner: 'sample_owner', acl: expect.stringContaining('sample_reader=r/sample_owner') });
    expect(source.definitions).toEqual(expect.arrayContaining([
      'relation "Sales Dept"."Order Lines" rp owner sample_owner acl {sample_owner=arwdDxt/sample_owner} row security',
      'relation ops.sessions ru owner postgres acl {postgres=arwdDxt/postgres}',
      'relation store.customers rp owner sample_owner acl {sample_owner=arwdDxt/sample_owner,sample_reader=r/sample_owner}',
      expect.stringMatching(/^column acl "Sales Dept"\."Order Lines"\."Line No" \{"\\"Report Writer\\"=r\/sample_owner"\}$/),
      'schema "Sales Dept" owner sample_owner acl {sample_owner=UC/sample_owner,sample_reader=U/sample_owner}',
      'inherits ops.tickets_archive ops.tickets',
      'extension citext 1.6', 'extension hstore 1.8', 'extension pg_trgm 1.6',
      expect.stringMatching(/^policy Sales Dept\.Order Lines first_lines SELECT \{sample_reader\}/),
      expect.stringMatching(/^rule CREATE RULE tickets_archive_kept AS\s+ON DELETE TO ops\.tickets_archive DO INSTEAD NOTHING/),
      expect.stringMatching(/^routine store\.group_concat\(text\) a owner sample_owner$/),
      expect.stringMatching(/^default acl sample_owner "Sales Dept" r \{sample_reader=r\/sample_owner\}$/),
      expect.stringMatching(/^index CREATE INDEX customers_name_trigrams ON store\.customers USING gin \(name gin_trgm_ops\)$/),
      expect.stringMatching(/^comment column Line No of table "Sales Dept"\."Order Lines" numbered from 1/),
    ]));
  });

  describe.each([
    { kind: 'file', uri: () => `file://${fileRoot}`, env: () => ({}) },
    { kind: 's3', uri: () => 's3://sample-backups/nightly', env: () => s3().env },
    { kind: 'azblob', uri: () => `azblob://${azure().account}/sample/nightly`, env: () => azure().env },
  ])('through $kind', ({ kind, uri, env }) => {
    const cliEnv = () => ({ PG_BIN_DIR: pg().binDir, ...env() });

    test('dump, verify --amcheck and restore into a fresh database reproduce every row, large object, sequence and definition', async () => {
      const dump = await runPgBackup(['dump', '--database-url', pg().url('sample'), '--to', uri(), '--globals'], cliEnv());
      expect(dump).toMatchObject({ exitCode: 0, result: { ok: true } });
      // --globals: verify restores the owners and privileges too, so the scratch database is compared with them.
      const verify = await runPgBackup(['verify', '--from', uri(), '--backup', dump.result.backupId, '--target-url', pg().url(), '--amcheck', '--keep', '--globals'], cliEnv());
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

  describe('onto a server without its roles', () => {
    const bare = usePostgres();

    test('restore --globals of a directory-format backup creates the roles and reproduces every owner, privilege, policy and row', async () => {
      const env = { PG_BIN_DIR: pg().binDir };
      const to = `file://${fileRoot}/directory`;
      const dump = await runPgBackup(['dump', '--database-url', pg().url('sample'), '--to', to, '--format', 'directory', '--jobs', '2', '--globals'], env);
      expect(dump).toMatchObject({ exitCode: 0, result: { ok: true, format: 'directory' } });
      const restore = await runPgBackup(['restore', '--from', to, '--backup', dump.result.backupId, '--target-url', bare().url('sample'), '--globals'], env);
      expect(restore).toMatchObject({ exitCode: 0, result: { ok: true, databaseCreated: true, globals: { failed: [] } } });
      expect(await databaseFingerprint(bare(), 'sample')).toEqual(source);
    });
  });
});
