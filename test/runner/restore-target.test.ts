import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { usePostgres } from '../support/postgres';
import { seedShopDatabase, tableRowCounts } from './support/backup-fixtures';
import { runPgBackup, runPgBackupInProcess } from './support/pg-backup-process';

describe('restore into a database of the operator\'s choosing', () => {
  const pg = usePostgres();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-restore-target-'));
  const uri = `file://${root}`;
  const env = () => ({ PG_BIN_DIR: pg().binDir });
  let sourceCounts: Record<string, number>;

  beforeAll(async () => {
    sourceCounts = await seedShopDatabase(pg(), 'shop');
    await pg().query('CREATE ROLE shop_owner');
    await pg().query('ALTER TABLE customers OWNER TO shop_owner', 'shop');
    expect(await runPgBackupInProcess(['dump', '--database-url', pg().url('shop'), '--to', uri], env())).toMatchObject({ exitCode: 0 });
    // The role is gone from the server, as it would be from a bare one: the backup still names it.
    await pg().query('REASSIGN OWNED BY shop_owner TO postgres', 'shop');
    await pg().query('DROP OWNED BY shop_owner', 'shop');
    await pg().query('DROP ROLE shop_owner');
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test('a target database that does not exist is created, and the result says so', async () => {
    const run = await runPgBackupInProcess(['restore', '--from', uri, '--latest', '--database', 'shop', '--target-url', pg().url('shop_restored'), '--no-owner'], env());
    expect(run).toMatchObject({ exitCode: 0, result: { ok: true, databaseCreated: true, tablesRestored: 5 } });
    expect(await tableRowCounts(pg(), 'shop_restored')).toEqual(sourceCounts);
  });

  test('a database the restore creates gets the dumped database\'s owner, settings, comment and privileges, as pg_restore --create would give them', async () => {
    await pg().query('CREATE ROLE ledger_owner');
    await pg().query('CREATE ROLE ledger_reader');
    await pg().query('CREATE DATABASE "Ledger-DB" OWNER ledger_owner');
    await pg().query('CREATE TABLE entries (id int PRIMARY KEY); INSERT INTO entries SELECT generate_series(1, 10)', 'Ledger-DB');
    await pg().query(`
      ALTER DATABASE "Ledger-DB" SET search_path TO books, public;
      ALTER ROLE ledger_reader IN DATABASE "Ledger-DB" SET work_mem TO '8MB';
      COMMENT ON DATABASE "Ledger-DB" IS 'the DATABASE "Ledger-DB"; of record';
      REVOKE CONNECT, TEMPORARY ON DATABASE "Ledger-DB" FROM PUBLIC;
      GRANT CONNECT ON DATABASE "Ledger-DB" TO ledger_reader;`);
    const ledgerUri = `file://${root}/ledger`;
    const dumped = await runPgBackupInProcess(['dump', '--database-url', pg().url('Ledger-DB'), '--to', ledgerUri], env());
    expect({ exitCode: dumped.exitCode, error: dumped.result?.error }).toEqual({ exitCode: 0, error: undefined });
    const describe = (name: string) => pg().query(`
      SELECT pg_get_userbyid(d.datdba) AS owner, d.datacl::text AS acl, shobj_description(d.oid, 'pg_database') AS comment,
        (SELECT array_agg(coalesce(r.rolname, '*') || ':' || array_to_string(s.setconfig, ',') ORDER BY r.rolname NULLS FIRST)
           FROM pg_db_role_setting s LEFT JOIN pg_roles r ON r.oid = s.setrole WHERE s.setdatabase = d.oid)::text AS settings
      FROM pg_database d WHERE d.datname = '${name}'`);
    const [source] = await describe('Ledger-DB');
    expect(source).toMatchObject({ owner: 'ledger_owner', comment: 'the DATABASE "Ledger-DB"; of record', acl: expect.stringContaining('ledger_reader=c/') });

    const run = await runPgBackupInProcess(['restore', '--from', ledgerUri, '--latest', '--database', 'Ledger-DB', '--target-url', pg().url('ledger_copy')], env());
    expect(run).toMatchObject({ exitCode: 0, result: { ok: true, databaseCreated: true, databaseSettingsApplied: 6 } });
    const [copy] = await describe('ledger_copy');
    expect(copy).toEqual(source);
    expect(copy.settings).toBe('{"*:search_path=books, public",ledger_reader:work_mem=8MB}');
    // The dumped database is untouched by the renaming.
    expect(await describe('Ledger-DB')).toEqual([source]);

    // --no-owner and --no-acl leave the owner and privileges as the server gives them, and still apply the settings.
    const bare = await runPgBackupInProcess(['restore', '--from', ledgerUri, '--latest', '--database', 'Ledger-DB', '--target-url', pg().url('ledger_bare'),
      '--no-owner', '--no-acl'], env());
    expect(bare).toMatchObject({ exitCode: 0, result: { ok: true, databaseCreated: true } });
    const [bareCopy] = await describe('ledger_bare');
    expect(bareCopy).toMatchObject({ owner: 'postgres', acl: null, comment: source.comment, settings: source.settings });
  });

  describe('a database whose owner, grantee or role settings name roles the server no longer has', () => {
    const lateUri = `file://${root}/late`;
    beforeAll(async () => {
      await pg().query('CREATE ROLE late_owner');
      await pg().query('CREATE ROLE late_reader');
      await pg().query('CREATE ROLE late_writer');
      await pg().query('CREATE DATABASE late_db OWNER late_owner');
      // The tables belong to the connecting role, so nothing but the database-level entries names the missing roles.
      await pg().query('CREATE TABLE entries (id int PRIMARY KEY, note text); INSERT INTO entries SELECT n, repeat(\'x\', 100) FROM generate_series(1, 5000) n', 'late_db');
      await pg().query(`
        ALTER DATABASE late_db SET search_path TO public;
        ALTER ROLE late_reader IN DATABASE late_db SET work_mem TO '8MB';
        ALTER ROLE late_writer IN DATABASE late_db SET work_mem TO '16MB';
        GRANT CONNECT ON DATABASE late_db TO late_reader;`);
      const dumped = await runPgBackupInProcess(['dump', '--database-url', pg().url('late_db'), '--to', lateUri], env());
      expect({ exitCode: dumped.exitCode, error: dumped.result?.error }).toEqual({ exitCode: 0, error: undefined });
      // The target server lacks the owner and the reader; the writer is still there.
      await pg().query('ALTER DATABASE late_db OWNER TO postgres');
      await pg().query('REVOKE CONNECT ON DATABASE late_db FROM late_reader');
      await pg().query('DROP ROLE late_owner');
      await pg().query('DROP ROLE late_reader');
    });
    const restore = (database: string, ...flags: string[]) => runPgBackup(['restore', '--from', lateUri, '--latest', '--database', 'late_db',
      '--target-url', pg().url(database), '--log-level', 'debug', ...flags], env());

    test('fails before any data is loaded, naming the role and what to do', async () => {
      const run = await restore('late_copy');
      expect(run.exitCode).toBe(1);
      expect(run.result.error).toMatch(/restoring backup \S+ into .*late_copy failed: the database's owner, settings and privileges from the backup cannot be given to late_copy, checked before loading any data \(ALTER DATABASE "late_copy" OWNER TO late_owner;?\): role "late_owner" does not exist; the backup names roles this server does not have .*: create them first, or restore without ownership and privileges \(--no-owner --no-acl\)/);
      // No pg_restore ran into the database, and the one the restore created is gone.
      expect(run.stderr).not.toMatch(/processing data for table|pg_restore run started/);
      expect(await pg().query("SELECT datname FROM pg_database WHERE datname = 'late_copy'")).toEqual([]);
    });

    test('with --no-owner, a grant to a missing role still fails before loading, since --no-acl was not given', async () => {
      const run = await restore('late_no_owner', '--no-owner');
      expect(run.exitCode).toBe(1);
      expect(run.result.error).toMatch(/checked before loading any data \(GRANT CONNECT ON DATABASE "late_no_owner" TO late_reader;?\): role "late_reader" does not exist.*\(--no-acl\)/);
      expect(run.stderr).not.toMatch(/processing data for table/);
    });

    test('with --no-owner --no-acl, the settings of a missing role are left out with a warning and the rest applied', async () => {
      const run = await restore('late_bare', '--no-owner', '--no-acl');
      expect(run).toMatchObject({ exitCode: 0, result: { ok: true, databaseCreated: true, databaseSettingsApplied: 2 } });
      expect(run.stderr).toMatch(/"statement":"ALTER ROLE late_reader IN DATABASE \\"late_bare\\" SET work_mem TO '8MB';?".*role \\"late_reader\\" does not exist.*left out, as --no-owner restores without the backup's roles/);
      const [settings] = await pg().query(`
        SELECT (SELECT array_agg(coalesce(r.rolname, '*') || ':' || array_to_string(s.setconfig, ',') ORDER BY r.rolname NULLS FIRST)
           FROM pg_db_role_setting s LEFT JOIN pg_roles r ON r.oid = s.setrole WHERE s.setdatabase = d.oid)::text AS settings
        FROM pg_database d WHERE d.datname = 'late_bare'`);
      expect(settings).toEqual({ settings: '{*:search_path=public,late_writer:work_mem=16MB}' });
      expect(await tableRowCounts(pg(), 'late_bare')).toEqual({ 'public.entries': 5000 });
    });
  });

  test('an existing target database is restored into as it is', async () => {
    await pg().createDatabase('shop_existing');
    const run = await runPgBackupInProcess(['restore', '--from', uri, '--latest', '--database', 'shop', '--target-url', pg().url('shop_existing'), '--no-owner'], env());
    expect(run).toMatchObject({ exitCode: 0, result: { ok: true, databaseCreated: false } });
  });

  test('a restore that fails on a role the server lacks says to create the roles or use --no-owner --no-acl', async () => {
    const run = await runPgBackupInProcess(['restore', '--from', uri, '--latest', '--database', 'shop', '--target-url', pg().url('shop_owned')], env());
    expect(run).toMatchObject({ exitCode: 1, result: { ok: false } });
    expect(run.result.error).toMatch(/role "shop_owner" does not exist.*holds no globals\.sql \(it was dumped without --globals\): create them first, or restore without ownership and privileges \(--no-owner --no-acl\)/);
    // The database the failed restore created held part of the backup at most: it is gone, not left to be taken for it.
    expect(await pg().query("SELECT datname FROM pg_database WHERE datname = 'shop_owned'")).toEqual([]);
  });

  test('a failed restore into a database that was there before leaves that database in place', async () => {
    await pg().createDatabase('shop_kept');
    const run = await runPgBackupInProcess(['restore', '--from', uri, '--latest', '--database', 'shop', '--target-url', pg().url('shop_kept')], env());
    expect(run).toMatchObject({ exitCode: 1, result: { ok: false } });
    expect(await pg().query("SELECT datname FROM pg_database WHERE datname = 'shop_kept'")).toEqual([{ datname: 'shop_kept' }]);
  });
});
