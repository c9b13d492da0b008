import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { usePostgres } from '../support/postgres';
import { seedShopDatabase } from './support/backup-fixtures';
import { runPgBackup, type PgBackupRun } from './support/pg-backup-process';

/** Every program the runner may start that lives on PATH (the PostgreSQL ones come from PG_BIN_DIR or PATH). */
const PATH_PROGRAMS = ['stdbuf', 'zstd', 'lz4', 'pgbackrest', 'fallocate', 'runuser', 'id'];

/** Where a program is on this machine. */
function which(program: string): string {
  for (const directory of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(directory, program);
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`${program} is not installed on the test machine`);
}

/** The CloudWatch Embedded Metric Format lines a run wrote to stderr. */
function metricLines(run: PgBackupRun): Record<string, unknown>[] {
  return run.stderr.split('\n').flatMap((line) => {
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      return parsed._aws ? [parsed] : [];
    } catch {
      return [];
    }
  });
}

/**
 * A failed run as the operator and the scheduler see it: exit 1, one result line with the failure metric, and the
 * failure metric among the CloudWatch lines on stderr.
 */
function expectFailedRun(run: PgBackupRun, command: string, metric: string, message: RegExp): void {
  expect(run.exitCode).toBe(1);
  expect(run.stdout.trim().split('\n')).toHaveLength(1);
  expect(run.result).toMatchObject({ command, ok: false, metrics: { [`${metric}Failed`]: 1 } });
  expect(run.result.error).toMatch(message);
  expect(metricLines(run).some((line) => line[`${metric}Failed`] === 1)).toBe(true);
}

describe('a program the runner needs that is not installed is named, with what needs it and the package to install', () => {
  const pg = usePostgres();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-missing-programs-'));
  const store = path.join(work, 'store');
  const uri = `file://${store}`;
  let earlier: string;
  let zstdBackup: string;
  let lz4Backup: string;

  /** A directory of links to `programs` (from PG_BIN_DIR or PATH): a PATH, or a PG_BIN_DIR, without the others. */
  function binDirectory(name: string, programs: readonly string[]): string {
    const directory = path.join(work, name);
    fs.mkdirSync(directory);
    for (const program of programs) {
      const pgProgram = path.join(pg().binDir, program);
      fs.symlinkSync(fs.existsSync(pgProgram) ? pgProgram : which(program), path.join(directory, program));
    }
    return directory;
  }
  const without = (name: string, missing: string) => binDirectory(name, PATH_PROGRAMS.filter((program) => program !== missing));
  /** What the store holds for shop: the backups with a manifest, and latest. */
  const storeState = () => ({
    backups: fs.readdirSync(path.join(store, 'shop')).filter((entry) => fs.existsSync(path.join(store, 'shop', entry, 'manifest.json'))).sort(),
    entries: fs.readdirSync(path.join(store, 'shop')).sort(),
    latest: fs.readFileSync(path.join(store, 'shop', 'latest'), 'utf8'),
  });

  beforeAll(async () => {
    await seedShopDatabase(pg(), 'shop');
    const env = { PG_BIN_DIR: pg().binDir };
    const lz4 = await runPgBackup(['dump', '--database-url', pg().url('shop'), '--to', `${uri}-lz4`, '--compress', 'lz4:1'], env);
    expect(lz4.exitCode).toBe(0);
    lz4Backup = lz4.result.backupId;
    const zstd = await runPgBackup(['dump', '--database-url', pg().url('shop'), '--to', uri], env);
    expect(zstd.exitCode).toBe(0);
    expect(zstd.result.objects.map((object: { name: string }) => object.name)).toContain('dump.pgdump.zst');
    zstdBackup = zstd.result.backupId;
    earlier = zstdBackup;
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  describe('dump fails before it touches the database or the store, and the store stays as it was', () => {
    test.each([
      {
        missing: 'pg_dump',
        env: () => ({ PG_BIN_DIR: '', PATH: without('no-pg-dump', 'none') }),
        flags: [],
        message: /^the pg_dump program is not installed: dump runs it to read the database; it is not in any directory of PATH \(\S+no-pg-dump\); install pg_dump with apt-get install postgresql-client \(the Debian package postgresql-client \(or postgresql-client-NN for the major version NN of the server, which it must not be older than\)\), or set PG_BIN_DIR to the directory that holds it/,
      },
      {
        missing: 'pg_dump in PG_BIN_DIR',
        env: () => ({ PG_BIN_DIR: binDirectory('pg-bin-without-pg-dump', ['pg_restore', 'pg_dumpall']) }),
        flags: [],
        message: /^the pg_dump program is not installed: .*; it is not in PG_BIN_DIR \(\S+pg-bin-without-pg-dump\); install pg_dump with apt-get install postgresql-client .*, or fix PG_BIN_DIR/,
      },
      {
        missing: 'pg_restore',
        env: () => ({ PG_BIN_DIR: binDirectory('pg-bin-without-pg-restore', ['pg_dump', 'pg_dumpall']) }),
        flags: [],
        message: /^the pg_restore program is not installed: dump reads back the archive it wrote with it, .*apt-get install postgresql-client/,
      },
      {
        missing: 'pg_dumpall',
        env: () => ({ PG_BIN_DIR: binDirectory('pg-bin-without-pg-dumpall', ['pg_dump', 'pg_restore']) }),
        flags: ['--globals'],
        message: /^the pg_dumpall program is not installed: dump --globals runs it to read the roles and tablespaces; .*apt-get install postgresql-client/,
      },
      {
        missing: 'zstd',
        env: () => ({ PG_BIN_DIR: pg().binDir, PATH: without('no-zstd', 'zstd') }),
        flags: [],
        message: /^the zstd program is not installed: the runner compresses dumps with it when pg_dump \(before 16\) cannot.*; install zstd with apt-get install zstd \(the Debian package zstd\), or choose --compress gzip:6/,
      },
      {
        missing: 'lz4',
        env: () => ({ PG_BIN_DIR: pg().binDir, PATH: without('no-lz4', 'lz4') }),
        flags: ['--compress', 'lz4:3'],
        message: /^the lz4 program is not installed: .*install lz4 with apt-get install lz4 \(the Debian package lz4\), or choose --compress gzip:6/,
      },
      {
        missing: 'stdbuf',
        env: () => ({ PG_BIN_DIR: pg().binDir, PATH: without('no-stdbuf', 'stdbuf') }),
        flags: ['--compress', 'gzip:6'],
        message: /^the stdbuf program is not installed: dump runs pg_dump through it.*; install stdbuf with apt-get install coreutils \(the Debian package coreutils\)/,
      },
    ])('without $missing', async ({ env, flags, message }) => {
      const before = storeState();
      const run = await runPgBackup(['dump', '--database-url', pg().url('shop'), '--to', uri, ...flags], env());
      expectFailedRun(run, 'dump', 'Backup', message);
      expect(run.result.error).toMatch(/\(no manifest was written and latest is unchanged\)$/);
      expect(storeState()).toEqual(before);
      expect(storeState().latest).toContain(earlier);
    });
  });

  const scratchDatabases = () => pg().query("SELECT datname FROM pg_database WHERE datname LIKE 'pg_backup_verify_%'");
  const databaseExists = async (name: string) => (await pg().query(`SELECT 1 FROM pg_database WHERE datname = '${name}'`)).length > 0;

  test.each([
    ['zstd', () => uri, () => zstdBackup],
    ['lz4', () => `${uri}-lz4`, () => lz4Backup],
  ])('verify of a %s backup without the program fails before it creates its scratch database', async (program, from, backup) => {
    const run = await runPgBackup(['verify', '--from', from(), '--backup', backup(), '--target-url', pg().url()],
      { PG_BIN_DIR: pg().binDir, PATH: without(`verify-no-${program}`, program) });
    expectFailedRun(run, 'verify', 'Verify', new RegExp(`^the ${program} program is not installed: backup ${backup()} is compressed with ${program}, which verify and restore decompress it with; `
      + `it is not in any directory of PATH .*; install ${program} with apt-get install ${program}`));
    expect(run.result.error).not.toMatch(/choose --compress/);
    expect(await scratchDatabases()).toEqual([]);
  });

  test('restore of a zstd backup without zstd fails before it creates the target database', async () => {
    const run = await runPgBackup(['restore', '--from', uri, '--backup', zstdBackup, '--target-url', pg().url('shop_never_restored')],
      { PG_BIN_DIR: pg().binDir, PATH: without('restore-no-zstd', 'zstd') });
    expectFailedRun(run, 'restore', 'Restore', /^the zstd program is not installed: backup \S+ is compressed with zstd.*apt-get install zstd/);
    expect(await databaseExists('shop_never_restored')).toBe(false);
  });

  test.each(['verify', 'restore'])('%s without pg_restore names it and the package', async (command) => {
    const run = await runPgBackup([command, '--from', uri, '--backup', zstdBackup, '--target-url', pg().url('shop_never_restored')],
      { PG_BIN_DIR: binDirectory(`${command}-pg-bin-without-pg-restore`, ['pg_dump']) });
    expectFailedRun(run, command, command === 'verify' ? 'Verify' : 'Restore',
      /^the pg_restore program is not installed: .*verify and restore restore with it; it is not in PG_BIN_DIR .*apt-get install postgresql-client/);
    expect(await scratchDatabases()).toEqual([]);
    expect(await databaseExists('shop_never_restored')).toBe(false);
  });

  /**
   * A PG_BIN_DIR whose `program` is the real one of an older major: it says `(PostgreSQL) <major>.1` as its version (all
   * the runner reads to decide) and runs the real program for anything else, as an older client left on PATH would.
   */
  function olderClient(name: string, program: string, major: number, others: readonly string[]): string {
    const directory = binDirectory(name, others);
    fs.writeFileSync(path.join(directory, program), '#!/bin/sh\n'
      + `if [ "$1" = --version ]; then echo "${program} (PostgreSQL) ${major}.1"; exit 0; fi\n`
      + `exec ${path.join(pg().binDir, program)} "$@"\n`, { mode: 0o755 });
    return directory;
  }

  test('dump with a pg_dump older than the server fails before it reads anything, naming both majors', async () => {
    const major = Number((await pg().query<{ v: string }>("SELECT current_setting('server_version_num') AS v"))[0].v.slice(0, -4));
    const before = storeState();
    const run = await runPgBackup(['dump', '--database-url', pg().url('shop'), '--to', uri],
      { PG_BIN_DIR: olderClient('old-pg-dump', 'pg_dump', major - 1, ['pg_restore', 'pg_dumpall']) });
    expectFailedRun(run, 'dump', 'Backup', new RegExp(`^pg_dump ${major - 1} is older than the PostgreSQL ${major} server; use a PostgreSQL ${major} \\(or newer\\) client \\(Debian package postgresql-client-${major};`));
    expect(storeState()).toEqual(before);
  });

  test.each(['verify', 'restore'])('%s with a pg_restore older than the pg_dump that wrote the backup fails before any work', async (command) => {
    const major = Number((await pg().query<{ v: string }>("SELECT current_setting('server_version_num') AS v"))[0].v.slice(0, -4));
    const run = await runPgBackup([command, '--from', uri, '--backup', zstdBackup, '--target-url', pg().url('shop_never_restored')],
      { PG_BIN_DIR: olderClient(`${command}-old-pg-restore`, 'pg_restore', major - 1, ['pg_dump']) });
    expectFailedRun(run, command, command === 'verify' ? 'Verify' : 'Restore',
      new RegExp(`^pg_restore ${major - 1} is older than pg_dump ${major}, which wrote backup ${zstdBackup}; use a PostgreSQL ${major} \\(or newer\\) client`));
    expect(await scratchDatabases()).toEqual([]);
    expect(await databaseExists('shop_never_restored')).toBe(false);
  });

  test('check-archive without pgBackRest says so, instead of an archive whose newest segment cannot be fetched', async () => {
    const run = await runPgBackup(['check-archive', '--target-url', 'postgres://postgres@127.0.0.1:9/postgres'], { PATH: without('no-pgbackrest', 'pgbackrest') });
    expect(run.exitCode).toBe(1);
    expect(run.result).toMatchObject({ command: 'check-archive', ok: false });
    expect(run.result.error).toMatch(/^the pgbackrest program is not installed: check-archive fetches the newest archived WAL segment back with it \(--no-archive-get skips that\); .*apt-get install pgbackrest/);
    expect(metricLines(run).some((line) => line.ArchiveCheckFailed === 1)).toBe(true);
  });

  test('drill-pitr without pgBackRest fails before it restores anything', async () => {
    const config = path.join(work, 'pgbackrest.conf');
    fs.writeFileSync(config, '[global]\nrepo1-path=/nonexistent\n');
    const scratch = fs.mkdtempSync(path.join(work, 'pitr-scratch-'));
    const run = await runPgBackup(['drill-pitr', '--target-time', '2026-01-01T00:00:00Z', '--pgbackrest-config', config, '--scratch-dir', scratch],
      { PG_BIN_DIR: pg().binDir, PATH: without('pitr-no-pgbackrest', 'pgbackrest') });
    expectFailedRun(run, 'drill-pitr', 'PitrDrill', /^the pgbackrest program is not installed: drill-pitr and check-archive fetch base backups and WAL from the repository with it; .*apt-get install pgbackrest/);
    expect(fs.readdirSync(scratch)).toEqual([]);
  });
});
