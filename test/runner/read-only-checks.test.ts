import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { usePostgres } from '../support/postgres';
import { seedShopDatabase, writeCheckFile } from './support/backup-fixtures';
import { runPgBackup, runPgBackupInProcess } from './support/pg-backup-process';

describe('checks are read-only wherever they run', () => {
  const pg = usePostgres();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-read-only-'));
  const uri = `file://${root}`;
  const env = () => ({ PG_BIN_DIR: pg().binDir });
  let backupId: string;
  /** A session of another application, which no check may end. */
  let bystander: Client;

  beforeAll(async () => {
    await seedShopDatabase(pg(), 'shop');
    await pg().query(`
      CREATE SEQUENCE invoice_numbers;
      CREATE FUNCTION forget_customers() RETURNS boolean LANGUAGE sql AS $$ DELETE FROM customers RETURNING true $$;`, 'shop');
    const dump = await runPgBackup(['dump', '--database-url', pg().url('shop'), '--to', uri], env());
    expect(dump.exitCode).toBe(0);
    backupId = dump.result.backupId;
    bystander = new Client({ connectionString: pg().url('shop'), application_name: 'bystander' });
    bystander.on('error', () => undefined);
    await bystander.connect();
  });
  afterAll(async () => {
    await bystander.end().catch(() => undefined);
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** What must hold after every hostile check: the data, the sequence, the large objects and other sessions untouched. */
  async function expectUntouched(): Promise<void> {
    const [state] = await pg().query<{ customers: string; invoice: string; objects: string }>(`
      SELECT (SELECT count(*) FROM customers)::text AS customers,
             (SELECT last_value || ':' || is_called FROM invoice_numbers) AS invoice,
             (SELECT count(*) FROM pg_largeobject_metadata)::text AS objects`, 'shop');
    expect(state).toEqual({ customers: '2500', invoice: '1:false', objects: '0' });
    expect((await bystander.query('SELECT 1 AS alive')).rows).toEqual([{ alive: 1 }]);
  }

  const hostile = [
    { name: 'a data-modifying CTE', sql: 'WITH gone AS (DELETE FROM customers RETURNING 1) SELECT count(*) = 2500 FROM gone', message: /checks are read-only: cannot execute .* in a read-only transaction/ },
    { name: 'DROP TABLE', sql: 'DROP TABLE customers', message: /checks are read-only: a check is one query \(SELECT, WITH, VALUES or TABLE\), this statement starts with DROP/ },
    { name: 'a query followed by a write', sql: 'SELECT true; DROP TABLE customers', message: /a check is exactly one statement: cannot insert multiple commands/ },
    { name: 'COMMIT and a write', sql: 'COMMIT; DELETE FROM customers', message: /checks are read-only: .* starts with COMMIT/ },
    { name: 'SET TRANSACTION READ WRITE', sql: 'SET TRANSACTION READ WRITE', message: /checks are read-only: .* starts with SET/ },
    { name: 'RESET default_transaction_read_only', sql: 'RESET default_transaction_read_only', message: /checks are read-only: .* starts with RESET/ },
    { name: 'a function that deletes', sql: 'SELECT forget_customers()', message: /checks are read-only: cannot execute DELETE in a read-only transaction/ },
    { name: 'nextval', sql: "SELECT nextval('invoice_numbers') > 0", message: /raised: (checks are read-only|permission denied for sequence invoice_numbers)/ },
    { name: 'a large object', sql: 'SELECT lo_create(4242) > 0 AND false', message: /returned \[\[false\]\]|raised:/ },
    { name: 'COPY TO PROGRAM', sql: "COPY (SELECT 1) TO PROGRAM 'true'", message: /checks are read-only: .* starts with COPY/ },
    { name: 'DO', sql: 'DO $$ BEGIN DELETE FROM customers; END $$', message: /checks are read-only: .* starts with DO/ },
    { name: 'SELECT INTO', sql: 'SELECT * INTO stolen FROM customers', message: /checks are read-only: cannot execute SELECT INTO in a read-only transaction/ },
    {
      name: 'pg_terminate_backend',
      sql: "SELECT bool_and(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'bystander'",
      message: /raised: .*terminate.* \(checks run read-only, with the privileges of pg_read_all_data/,
    },
    {
      name: 'set_config taking back the role',
      sql: "SELECT set_config('role', 'postgres', true) IS NOT NULL AND bool_and(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'bystander'",
      message: /checks are read-only: a check may not change settings with set_config/,
    },
  ];

  test.each(hostile)('pg-backup check refuses $name and changes nothing', async ({ sql, message }) => {
    const run = await runPgBackupInProcess(['check', '--target-url', pg().url('shop'), '--sql', sql, '--connect-timeout', '0s'], env());
    expect(run).toMatchObject({ exitCode: 1, result: { ok: false, command: 'check' } });
    expect(run.result.error).toMatch(message);
    await expectUntouched();
  });

  test('a check file\'s statements run one by one, read-only, and a write among them fails the check', async () => {
    const file = writeCheckFile('SELECT count(*) = 2500 FROM customers;\nWITH gone AS (DELETE FROM customers RETURNING 1) SELECT count(*) = 2500 FROM gone;\n');
    const run = await runPgBackupInProcess(['check', '--target-url', pg().url('shop'), '--check', file, '--connect-timeout', '0s'], env());
    expect(run.exitCode).toBe(1);
    expect(run.result.error).toMatch(/check failed \(.*checks\.sql\): WITH gone AS .* — raised: checks are read-only/);
    await expectUntouched();
  });

  test('row-count bounds and ordinary checks still pass under the read-only rules', async () => {
    const run = await runPgBackupInProcess([
      'check', '--target-url', pg().url('shop'), '--min-rows', 'customers=2500', '--connect-timeout', '0s',
      '--sql', 'SELECT count(*) = 2500 AND max(name) IS NOT NULL FROM customers',
      '--sql', "/* comment first */ (SELECT has_table_privilege('customers', 'SELECT'))",
      '--sql', 'SELECT last_value = 1 FROM invoice_numbers',
    ], env());
    expect(run).toMatchObject({ exitCode: 0, result: { ok: true, rowCounts: [{ table: 'customers', rows: 2500, passed: true }] } });
    expect(run.result.checks.map((check: { passed: boolean }) => check.passed)).toEqual([true, true, true]);
  });

  test('verify fails a check that writes, with the read-only message, and drops its scratch database', async () => {
    const file = writeCheckFile('WITH gone AS (DELETE FROM customers RETURNING 1) SELECT count(*) = 2500 FROM gone;\n');
    const run = await runPgBackup(['verify', '--from', uri, '--backup', backupId, '--target-url', pg().url(), '--check', file], env());
    expect(run).toMatchObject({ exitCode: 1, result: { ok: false, metrics: { VerifyFailed: 1 } } });
    expect(run.result.error).toMatch(/check failed .* raised: checks are read-only: cannot execute/);
    expect(await pg().query("SELECT datname FROM pg_database WHERE datname LIKE 'pg_backup_verify_%'")).toEqual([]);
  });
});
