import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cli } from './support/in-process-cli';
import { runPgBackup } from './support/pg-backup-process';
import { BackupLayout } from '../../src/runner/backup-layout';
import { parseBackupLocation } from '../../src/runner/backup-location';
import { resolveConnection } from '../../src/runner/database-connection';
import { FileBackupStore } from '../../src/runner/file-backup-store';
import { usePostgres } from '../support/postgres';

/** A fresh empty directory, removed after the file's tests. */
function scratchDirectory(): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-inputs-'));
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));
  return directory;
}

describe('a connection that names no database', () => {
  const root = scratchDirectory();

  test.each<[string, string[], NodeJS.ProcessEnv, RegExp]>([
    ['dump with a URL without a database', ['dump', '--database-url', 'postgres://backup@db.internal:5432', '--to', `file://${root}`], {},
      /^--database-url postgres:\/\/backup@db\.internal:5432 names no database; add it to the URL \(postgres:\/\/user@host:5432\/DATABASE\) or name it with --database$/],
    ['dump with a URL ending in a slash', ['dump', '--database-url', 'postgres://backup@db.internal:5432/', '--to', `file://${root}`], {}, /names no database/],
    ['dump with a secret without dbname', ['dump', '--to', `file://${root}`], { PG_BACKUP_DATABASE_SECRET: JSON.stringify({ host: 'db.internal', username: 'u', password: 'p' }) },
      /^the secret in PG_BACKUP_DATABASE_SECRET names no database \(no dbname\); name it with --database$/],
    ['restore into a URL without a database', ['restore', '--from', `file://${root}`, '--target-url', 'postgres://postgres@scratch:5432'], {},
      /^--target-url postgres:\/\/postgres@scratch:5432 names no database/],
    ['check of a URL without a database', ['check', '--target-url', 'postgres://checker@db:5432'], {}, /^--target-url postgres:\/\/checker@db:5432 names no database/],
    ['check from PGHOST without PGDATABASE', ['check'], { PGHOST: 'db.internal', PGUSER: 'checker' }, /^check: name the database to check with --database or PGDATABASE/],
  ])('%s is a usage error, before anything is written', async (_, argv, env, message) => {
    const run = await cli(argv, env);
    expect(run.exitCode).toBe(2);
    expect(run.results).toHaveLength(1);
    expect(run.results[0].error).toMatch(message);
    expect(fs.readdirSync(root)).toEqual([]);
  });

  test.each<[string, string[]]>([
    ['--database', ['--database-url', 'postgres://backup@db.internal:5432/shop', '--database', 'my db']],
    ['the database of --database-url', ['--database-url', 'postgres://backup@db.internal:5432/my%20db']],
  ])('a dump of a database whose name breaks the one name rule (%s) is a usage error, before anything is written', async (source, flags) => {
    const run = await cli(['dump', ...flags, '--to', `file://${root}`], {});
    expect(run.exitCode).toBe(2);
    expect(run.results).toHaveLength(1);
    expect(run.results[0].error).toBe(`dump: ${source} is "my db"; allowed: a database name of 1 to 63 letters, digits, "_" and "-", starting with a letter or "_"`);
    expect(fs.readdirSync(root)).toEqual([]);
  });

  test('--database names it, for a URL and for a secret alike', () => {
    expect(resolveConnection({ url: 'postgres://backup@db:5432', flag: '--database-url', database: 'shop', requireDatabase: true }, {}).describe())
      .toBe('backup@db:5432/shop');
    const secret = JSON.stringify({ host: 'db', username: 'u', password: 'p' });
    expect(resolveConnection({ flag: '--database-url', database: 'shop', requireDatabase: true }, { PG_BACKUP_DATABASE_SECRET: secret }).describe())
      .toBe('u@db:5432/shop');
  });

  test('verify may name only the server: it restores into a scratch database of its own', () => {
    expect(resolveConnection({ url: 'postgres://postgres@scratch:5432', flag: '--target-url' }, {}).describe()).toBe('postgres@scratch:5432/postgres');
  });

  describe('with a real server', () => {
    const pg = usePostgres();

    test('a dump of a URL without a database and --database dumps the named database', async () => {
      await pg().createDatabase('named_by_flag');
      await pg().query('CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 42);', 'named_by_flag');
      const serverUrl = pg().url('postgres').replace(/\/postgres$/, '');
      const run = await runPgBackup(['dump', '--database-url', serverUrl, '--database', 'named_by_flag', '--to', `file://${root}/named`], { PG_BIN_DIR: pg().binDir });
      expect(run.exitCode).toBe(0);
      expect(run.result).toMatchObject({ ok: true, database: 'named_by_flag', rows: 42 });
    });
  });
});

describe('a password with a raw % in --database-url', () => {
  test('is a usage error that names the flag, says to percent-encode and never prints the password', async () => {
    const password = 'Tr0ub4dor%&3xyzzy';
    const run = await runPgBackup(['dump', '--database-url', `postgres://backup:${password}@127.0.0.1:1/shop`, '--to', 'file:///nonexistent/never-written']);
    expect(run.exitCode).toBe(2);
    expect(run.result.error).toBe('--database-url: the password in the URL has a "%" that does not start a percent-encoded character; '
      + 'percent-encode special characters in it (% as %25, @ as %40, : as %3A, / as %2F, # as %23, ? as %3F)');
    for (const secretPart of [password, 'Tr0ub4dor', '3xyzzy']) {
      expect(run.stdout).not.toContain(secretPart);
      expect(run.stderr).not.toContain(secretPart);
    }
  });

  test('a percent-encoded one is read as the password', () => {
    const connection = resolveConnection({ url: 'postgres://backup:100%25sure@db/shop', flag: '--database-url' }, {});
    expect(connection.childEnv()).toEqual({ PGPASSWORD: '100%sure' });
  });
});

describe('file:// backup locations', () => {
  const dotRoot = scratchDirectory();

  test.each([
    ['file:///var/backups/pg', '/var/backups/pg'],
    ['file://localhost/var/backups/pg', '/var/backups/pg'],
    ['file:///var/backups/pg/', '/var/backups/pg'],
    ['file:///var/backups/with%20space', '/var/backups/with space'],
  ])('%s is the directory %s', (uri, directory) => {
    expect(parseBackupLocation(uri, '--to')).toEqual({ kind: 'file', directory });
  });

  test.each([
    ['file://backups/nightly', /^--to is "file:\/\/backups\/nightly"; allowed: .* \("backups" is read as a host name, not a directory: use file:\/\/\/absolute\/path \(three slashes\) or file:\/\/localhost\/absolute\/path\)$/],
    ['file://relative', /"relative" is read as a host name/],
    ['file://./relative', /"\." is read as a host name/],
    ['file:///var/backups/../etc', /must not contain "\." or "\.\." segments/],
    ['file:///var/backups/%2e%2e/etc', /must not contain "\." or "\.\." segments/],
    ['file:///var/backups%2F..%2F..%2Fetc', /must not contain encoded slashes/],
    ['file:///var/backups/100%', /does not start a percent-encoded character/],
  ])('%s is a usage error naming the URI', (uri, message) => {
    expect(() => parseBackupLocation(uri, '--to')).toThrow(message);
  });

  test.each([['file://backups/nightly'], ['file://relative']])('dump --to %s exits 2 with its one result line and writes nothing', async (uri) => {
    const run = await runPgBackup(['dump', '--database-url', 'postgres://backup@127.0.0.1:1/shop', '--to', uri]);
    expect(run.exitCode).toBe(2);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    expect(run.result).toMatchObject({ ok: false, exitCode: 2 });
    expect(run.result.error).toContain(`--to is "${uri}"`);
    expect(fs.existsSync('/nightly')).toBe(false);
  });

  test('a database named . or .. keeps its backups inside the location', async () => {
    const root = dotRoot;
    const store = new FileBackupStore(root);
    const layout = new BackupLayout({ kind: 'file', directory: root });
    for (const database of ['.', '..']) {
      const key = layout.manifestKey(database, '20261124T020000Z-00000000');
      expect(layout.parseManifestKey(key)).toEqual({ database, backupId: '20261124T020000Z-00000000' });
      await store.putBytes(key, Buffer.from('{}'));
    }
    expect(fs.readdirSync(root).sort()).toEqual(['%2E', '%2E%2E']);
    expect(fs.existsSync(path.join(path.dirname(root), '20261124T020000Z-00000000'))).toBe(false);
  });
});
