import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { usePostgres, type PostgresCluster } from '../support/postgres';
import { writeCheckFile } from './support/backup-fixtures';
import { runPgBackup, runPgBackupInProcess } from './support/pg-backup-process';

/** The password of the backed-up login role: it may travel in globals.sql (as a SCRAM hash), never in any output. */
const OWNER_PASSWORD = 'owner-pw-never-printed';

/** Owners and privileges of the ledger database, as a server reports them. */
async function ownersAndGrants(pg: PostgresCluster, database: string) {
  const [row] = await pg.query<Record<string, unknown>>(`
    SELECT (SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'books') AS schema_owner,
           (SELECT tableowner FROM pg_tables WHERE schemaname = 'books' AND tablename = 'entries') AS table_owner,
           (SELECT viewowner FROM pg_views WHERE schemaname = 'books' AND viewname = 'totals') AS view_owner,
           has_table_privilege('app_reader', 'books.entries', 'SELECT') AS reader_selects,
           has_table_privilege('app_reader', 'books.entries', 'INSERT') AS reader_inserts,
           has_table_privilege('Report Writer', 'books.entries', 'INSERT') AS writer_inserts,
           pg_has_role('Report Writer', 'app_reader', 'MEMBER') AS writer_reads,
           (SELECT count(*)::int FROM books.entries) AS entries`, database);
  return row;
}

/**
 * A backup whose objects belong to roles of its own, restored onto servers that have never seen them: with
 * `--globals` the roles come from the backup's globals.sql first and every owner and privilege is restored.
 */
describe('--globals creates the backup\'s roles before restoring with owners and privileges', () => {
  const source = usePostgres();
  // Servers of their own, with a superuser password of their own: globals.sql must leave it as it is.
  const bare = usePostgres({ password: 'bare-server-secret' });
  const bareForVerify = usePostgres({ password: 'verify-server-secret' });
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-globals-'));
  const tablespaceDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-globals-space-'));
  const uri = `file://${root}`;
  const env = () => ({ PG_BIN_DIR: source().binDir });
  let withGlobals: string;
  let withoutGlobals: string;

  beforeAll(async () => {
    if (process.getuid?.() === 0) execFileSync('chown', ['postgres:', tablespaceDirectory]);
    await source().query(`
      CREATE ROLE app_owner LOGIN PASSWORD '${OWNER_PASSWORD}';
      CREATE ROLE app_reader NOLOGIN;
      CREATE ROLE "Report Writer" NOLOGIN;
      GRANT app_reader TO "Report Writer";`);
    // Alone: CREATE TABLESPACE cannot run in the transaction a multi-statement query is.
    await source().query(`CREATE TABLESPACE archive_space OWNER app_owner LOCATION '${tablespaceDirectory}'`);
    await source().createDatabase('ledger');
    await source().query(`
      CREATE SCHEMA books AUTHORIZATION app_owner;
      CREATE TABLE books.entries (id int PRIMARY KEY, amount numeric NOT NULL);
      INSERT INTO books.entries SELECT g, g * 1.5 FROM generate_series(1, 500) g;
      CREATE VIEW books.totals AS SELECT sum(amount) AS total FROM books.entries;
      ALTER TABLE books.entries OWNER TO app_owner;
      ALTER VIEW books.totals OWNER TO app_owner;
      GRANT USAGE ON SCHEMA books TO app_reader, "Report Writer";
      GRANT SELECT ON books.entries, books.totals TO app_reader;
      GRANT INSERT ON books.entries TO "Report Writer";
      ANALYZE;`, 'ledger');
    const dumped = await runPgBackupInProcess(['dump', '--database-url', source().url('ledger'), '--to', uri, '--globals'], env());
    expect(dumped).toMatchObject({ exitCode: 0, result: { ok: true } });
    withGlobals = dumped.result.backupId;
    const plain = await runPgBackupInProcess(['dump', '--database-url', source().url('ledger'), '--to', uri], env());
    expect(plain).toMatchObject({ exitCode: 0, result: { ok: true } });
    withoutGlobals = plain.result.backupId;
  });
  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(tablespaceDirectory, { recursive: true, force: true });
  });

  test('without --globals a restore onto a server lacking the roles fails and says to add --globals', async () => {
    const run = await runPgBackupInProcess(['restore', '--from', uri, '--backup', withGlobals, '--target-url', bare().url('ledger_plain')], env());
    expect(run).toMatchObject({ exitCode: 1, result: { ok: false } });
    expect(run.result.error).toMatch(/role "app_owner" does not exist.*its globals\.sql holds them, so add --globals to create them first, or restore without ownership and privileges \(--no-owner --no-acl\)/);
  });

  test('restore --globals creates the roles, keeps the server\'s own, reports the refused statement and restores owners and privileges', async () => {
    const run = await runPgBackup(['restore', '--from', uri, '--backup', withGlobals, '--target-url', bare().url('ledger'), '--globals'], env());
    expect(run).toMatchObject({ exitCode: 0, result: { ok: true, databaseCreated: true, globals: { rolesKept: ['postgres'], alreadyExisting: 0 } } });
    // The tablespace's directory is the source server's own: the bare server refuses it, and the result says which statement.
    expect(run.result.globals.failed).toEqual([{
      statement: expect.stringMatching(/^CREATE TABLESPACE archive_space OWNER app_owner LOCATION/),
      error: expect.stringMatching(/already in use as a tablespace/),
    }]);
    expect(run.result.globals.applied).toBeGreaterThan(0);
    expect(await ownersAndGrants(bare(), 'ledger')).toEqual(await ownersAndGrants(source(), 'ledger'));
    expect(await ownersAndGrants(bare(), 'ledger')).toMatchObject({ table_owner: 'app_owner', reader_selects: true, reader_inserts: false, writer_inserts: true, writer_reads: true });
    // The login role came with its password; the server's own superuser kept its password (the queries above used it).
    const owner = new Client({ connectionString: bare().url('ledger').replace(/\/\/postgres:[^@]+@/, `//app_owner:${OWNER_PASSWORD}@`) });
    await owner.connect();
    await owner.end();
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/SCRAM-SHA-256\$|owner-pw-never-printed/);
  });

  test('verify --globals restores with owners and privileges, so checks can prove them', async () => {
    const checks = writeCheckFile(`
      SELECT tableowner = 'app_owner' FROM pg_tables WHERE schemaname = 'books' AND tablename = 'entries';
      SELECT has_table_privilege('app_reader', 'books.entries', 'SELECT') AND NOT has_table_privilege('app_reader', 'books.entries', 'INSERT');
      SELECT has_table_privilege('Report Writer', 'books.entries', 'INSERT');`);
    const run = await runPgBackupInProcess(['verify', '--from', uri, '--backup', withGlobals, '--target-url', bareForVerify().url(), '--globals', '--check', checks], env());
    expect(run.result.error).toBeUndefined();
    expect(run).toMatchObject({ exitCode: 0, result: { ok: true, rowCountsCompared: true, globals: { rolesKept: ['postgres'] } } });
    expect(run.result.checks.map((check: { passed: boolean }) => check.passed)).toEqual([true, true, true]);
  });

  test.each([
    ['restore', (target: string) => ['--target-url', `${target.replace(/\/postgres$/, '')}/ledger_never`]],
    ['verify', (target: string) => ['--target-url', target]],
  ])('%s --globals of a backup taken without --globals is a usage error, before any work', async (command, targetArgs) => {
    const run = await runPgBackupInProcess([command, '--from', uri, '--backup', withoutGlobals, ...targetArgs(bare().url()), '--globals'], env());
    expect(run).toMatchObject({ exitCode: 2, result: { ok: false } });
    expect(run.result.error).toMatch(new RegExp(`${command} --globals: backup ${withoutGlobals} of ledger holds no globals\\.sql \\(it was dumped without --globals\\)`));
    expect(await bare().query("SELECT datname FROM pg_database WHERE datname = 'ledger_never' OR datname LIKE 'pg_backup_verify_%'")).toEqual([]);
  });
});
