import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { usePostgres } from '../support/postgres';
import { seedShopDatabase, tableRowCounts } from './support/backup-fixtures';
import { runPgBackupInProcess } from './support/pg-backup-process';

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
