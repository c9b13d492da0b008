import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { usePostgres } from '../support/postgres';
import { seedShopDatabase } from './support/backup-fixtures';
import { runPgBackupInProcess } from './support/pg-backup-process';

describe('a bad file input fails before any download, restore or connection', () => {
  const pg = usePostgres();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-inputs-'));
  const uri = `file://${root}`;
  const missing = path.join(root, 'no-such-checks.sql');
  const empty = path.join(root, 'empty.sql');
  const env = () => ({ PG_BIN_DIR: pg().binDir });

  beforeAll(async () => {
    await seedShopDatabase(pg(), 'shop');
    fs.writeFileSync(empty, '-- nothing but a comment\n');
    expect(await runPgBackupInProcess(['dump', '--database-url', pg().url('shop'), '--to', uri], env())).toMatchObject({ exitCode: 0 });
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const scratchDatabases = () => pg().query("SELECT datname FROM pg_database WHERE datname LIKE 'pg_backup_verify_%'");

  test.each([
    { name: 'a missing check file', file: () => missing, message: /--check .*no-such-checks\.sql: cannot read the check file \(no such file\)/ },
    { name: 'a check file without a statement', file: () => empty, message: /--check .*empty\.sql: the check file holds no statement/ },
  ])('verify with $name is a usage error before the backup is read', async ({ file, message }) => {
    // The backup location is damaged too: the check file is what must be reported, since it is checked first.
    const run = await runPgBackupInProcess(['verify', '--from', `file://${root}/nothing-here`, '--latest', '--database', 'shop', '--target-url', pg().url(), '--check', file()], env());
    expect(run).toMatchObject({ exitCode: 2, result: { ok: false } });
    expect(run.result.error).toMatch(message);
    expect(await scratchDatabases()).toEqual([]);
  });

  test('check with a missing check file is a usage error before it tries to connect', async () => {
    const run = await runPgBackupInProcess(['check', '--target-url', 'postgres://postgres@127.0.0.1:1/shop', '--connect-timeout', '30s', '--check', missing], env());
    expect(run).toMatchObject({ exitCode: 2, result: { ok: false } });
    expect(run.result.error).toMatch(/--check .*no-such-checks\.sql: cannot read the check file/);
  });

  test('drill-pitr with a missing check file is a usage error before pgBackRest restores anything', async () => {
    const config = path.join(root, 'pgbackrest.conf');
    fs.writeFileSync(config, '[global]\nrepo1-path=/nonexistent\n');
    const run = await runPgBackupInProcess(['drill-pitr', '--target-time', '2026-01-01T00:00:00Z', '--pgbackrest-config', config, '--stanza', 'none', '--check', missing], env());
    expect(run).toMatchObject({ exitCode: 2, result: { ok: false } });
    expect(run.result.error).toMatch(/--check .*no-such-checks\.sql: cannot read the check file/);
  });

  test('drill-pitr with a pgbackrest.conf that does not exist is a usage error naming the flag', async () => {
    const run = await runPgBackupInProcess(['drill-pitr', '--target-time', '2026-01-01T00:00:00Z', '--pgbackrest-config', path.join(root, 'nope.conf')], env());
    expect(run).toMatchObject({ exitCode: 2, result: { ok: false } });
    expect(run.result.error).toMatch(/--pgbackrest-config is ".*nope\.conf"; allowed: a readable pgbackrest\.conf file/);
  });
});
