import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { usePostgres } from '../support/postgres';
import { seedShopDatabase, tableRowCounts } from './support/backup-fixtures';
import { runPgBackup } from './support/pg-backup-process';

/** Runs a shell pipeline of the plain tools, as an operator without pg-backup would. */
function shell(script: string, env: Record<string, string> = {}): string {
  return execFileSync('bash', ['-euo', 'pipefail', '-c', script], { encoding: 'utf8', env: { ...process.env, ...env } });
}

describe('pg-backup compresses dumps with zstd by default, and every kind restores with the plain tools', () => {
  const pg = usePostgres();
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-compression-store-'));
  let sourceCounts: Record<string, number>;
  const env = () => ({ PG_BIN_DIR: pg().binDir });
  const backupFolder = (result: Record<string, any>) => path.join(store, 'shop', result.backupId as string);
  const restoreEnv = () => ({ PATH: `${pg().binDir}:${process.env.PATH}` });

  beforeAll(async () => {
    sourceCounts = await seedShopDatabase(pg(), 'shop');
  });
  afterAll(() => fs.rmSync(store, { recursive: true, force: true }));

  test.each([
    { flags: [], method: 'zstd', name: 'dump.pgdump.zst', restore: 'zstd -dc' },
    { flags: ['--compress', 'lz4:1'], method: 'lz4', name: 'dump.pgdump.lz4', restore: 'lz4 -dc' },
    // A method alone takes its default level, as pg_dump 16 takes `--compress lz4`.
    { flags: ['--compress', 'lz4'], method: 'lz4', name: 'dump.pgdump.lz4', restore: 'lz4 -dc' },
  ])('a custom-format dump with $method ($flags) restores with `$restore dump | pg_restore`', async ({ flags, method, name, restore }) => {
    const dump = await runPgBackup(['dump', '--database-url', pg().url('shop'), '--to', `file://${store}`, ...flags], env());
    expect(dump).toMatchObject({ exitCode: 0, result: { ok: true, format: 'custom' } });
    expect(dump.result.objects).toEqual([expect.objectContaining({ name, role: 'dump', compression: method })]);
    const manifest = JSON.parse(fs.readFileSync(path.join(backupFolder(dump.result), 'manifest.json'), 'utf8'));
    expect(manifest.objects).toEqual([expect.objectContaining({ name, compression: method })]);

    const target = await pg().createDatabase(`shop_plain_${method}_${flags.join('_').replace(/\W/g, '')}`);
    shell(`${restore} "$DUMP" | pg_restore --no-owner --exit-on-error --dbname "$TARGET"`, {
      ...restoreEnv(), DUMP: path.join(backupFolder(dump.result), name), TARGET: pg().url(target),
    });
    expect(await tableRowCounts(pg(), target)).toEqual(sourceCounts);
  });

  test('the default dump holds pg_dump\'s archive with its rows in large chunks, not behind a length word each', async () => {
    const dump = await runPgBackup(['dump', '--database-url', pg().url('shop'), '--to', `file://${store}`], env());
    expect(dump).toMatchObject({ exitCode: 0, result: { ok: true } });
    const stored = shell('zstd -dc "$DUMP" | base64 -w0', { DUMP: path.join(backupFolder(dump.result), 'dump.pgdump.zst') });
    const archive = Buffer.from(stored, 'base64');
    // pg_dump's own uncompressed archive of the same database, as it writes it into a pipe: one chunk a row.
    const own = Buffer.from(shell('pg_dump --format=custom --compress=0 --dbname "$SOURCE" | base64 -w0', { ...restoreEnv(), SOURCE: pg().url('shop') }), 'base64');
    const rows = Object.values(sourceCounts).reduce((sum, count) => sum + count, 0);

    expect(archive.subarray(0, 5).toString('latin1')).toBe('PGDMP');
    // The same header, table of contents and rows: only the 5-byte length words of the rows are gone.
    expect((own.length - archive.length) % 5).toBe(0);
    expect((own.length - archive.length) / 5).toBeGreaterThan(rows - 20);
  });

  test('--compress gzip:6 stores pg_dump\'s own archive untouched, which pg_restore reads as it is', async () => {
    const dump = await runPgBackup(['dump', '--database-url', pg().url('shop'), '--to', `file://${store}`, '--compress', 'gzip:6'], env());
    expect(dump).toMatchObject({ exitCode: 0, result: { ok: true } });
    expect(dump.result.objects).toEqual([expect.not.objectContaining({ compression: expect.anything() })]);
    const file = path.join(backupFolder(dump.result), 'dump.pgdump');
    expect(fs.readFileSync(file).subarray(0, 5).toString('latin1')).toBe('PGDMP');

    const target = await pg().createDatabase('shop_plain_gzip');
    shell('pg_restore --no-owner --exit-on-error --jobs 2 --dbname "$TARGET" "$DUMP"', { ...restoreEnv(), DUMP: file, TARGET: pg().url(target) });
    expect(await tableRowCounts(pg(), target)).toEqual(sourceCounts);
  });

  test('a directory-format dump stores each data file as .zst, its tables of contents as pg_dump wrote them, and restores after README\'s `zstd -d dump/*.dat.zst`', async () => {
    // Large objects add a data file each (blob_<oid>.dat) and a second table of contents (blobs.toc), which pg_restore reads uncompressed.
    await pg().query('CREATE DATABASE shop_large_objects TEMPLATE shop');
    await pg().query("SELECT lo_from_bytea(0, convert_to(repeat('scanned invoice ', 2000 * g), 'UTF8')) FROM generate_series(1, 2) g", 'shop_large_objects');
    const largeObjects = 'SELECT oid::text, md5(lo_get(oid)) FROM pg_largeobject_metadata ORDER BY oid';
    // A store of its own: the later tests find the one database of theirs in the shared store.
    const largeObjectStore = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-large-objects-store-'));
    const dump = await runPgBackup(['dump', '--database-url', pg().url('shop_large_objects'), '--to', `file://${largeObjectStore}`, '--format', 'directory', '--jobs', '2'], env());
    expect(dump).toMatchObject({ exitCode: 0, result: { ok: true, format: 'directory' } });
    const objects = dump.result.objects as { name: string; compression?: string }[];
    for (const toc of ['dump/toc.dat', 'dump/blobs.toc']) {
      expect(objects).toContainEqual(expect.objectContaining({ name: toc }));
      expect(objects.find((object) => object.name === toc)).not.toHaveProperty('compression');
    }
    const data = objects.filter((object) => !['dump/toc.dat', 'dump/blobs.toc'].includes(object.name));
    expect(data.length).toBeGreaterThanOrEqual(7);
    for (const object of data) expect(object).toMatchObject({ name: expect.stringMatching(/^dump\/(\d+|blob_\d+)\.dat\.zst$/), compression: 'zstd' });
    expect(data.filter((object) => object.name.startsWith('dump/blob_'))).toHaveLength(2);

    const target = await pg().createDatabase('shop_plain_directory');
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-directory-copy-'));
    try {
      // Exactly what README shows: only the data files are decompressed.
      shell('cp -r "$SOURCE" "$COPY/dump" && zstd -d -q --rm "$COPY"/dump/*.dat.zst && pg_restore --no-owner --exit-on-error --jobs 2 --dbname "$TARGET" "$COPY/dump"', {
        ...restoreEnv(), SOURCE: path.join(largeObjectStore, 'shop_large_objects', dump.result.backupId, 'dump'), COPY: copy, TARGET: pg().url(target),
      });
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
      fs.rmSync(largeObjectStore, { recursive: true, force: true });
    }
    expect(await tableRowCounts(pg(), target)).toEqual(sourceCounts);
    expect(await pg().query(largeObjects, target)).toEqual(await pg().query(largeObjects, 'shop_large_objects'));
    expect(await pg().query(largeObjects, target)).toHaveLength(2);
  });

  test.each([
    { kind: 'the default (zstd) custom format', flags: [] },
    { kind: 'an lz4 directory format', flags: ['--format', 'directory', '--jobs', '2', '--compress', 'lz4:3'] },
  ])('verify and restore decompress $kind while downloading', async ({ flags }) => {
    const dump = await runPgBackup(['dump', '--database-url', pg().url('shop'), '--to', `file://${store}`, ...flags], env());
    expect(dump).toMatchObject({ exitCode: 0, result: { ok: true } });
    const backupId = dump.result.backupId as string;
    const verify = await runPgBackup(['verify', '--from', `file://${store}`, '--backup', backupId, '--target-url', pg().url(), '--jobs', '2'], env());
    expect(verify).toMatchObject({ exitCode: 0, result: { ok: true, backupId, rowCountsCompared: true, tablesCompared: 5 } });
    const target = await pg().createDatabase(`shop_restored_${flags.length}`);
    const restore = await runPgBackup(['restore', '--from', `file://${store}`, '--backup', backupId, '--target-url', pg().url(target)], env());
    expect(restore).toMatchObject({ exitCode: 0, result: { ok: true, backupId } });
    expect(await tableRowCounts(pg(), target)).toEqual(sourceCounts);
  });

  test('a dump whose compression program is missing fails, says how to fix it and records nothing', async () => {
    // A PATH with the PostgreSQL tools and node but without zstd.
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-no-zstd-'));
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    const missingStore = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-no-zstd-store-'));
    try {
      const dump = await runPgBackup(['dump', '--database-url', pg().url('shop'), '--to', `file://${missingStore}`], { ...env(), PATH: bin });
      expect(dump.exitCode).toBe(1);
      expect(dump.result.ok).toBe(false);
      expect(dump.result.error).toMatch(/the zstd program is not installed: .*install zstd .*or choose --compress gzip:6/);
      expect(fs.existsSync(path.join(missingStore, 'shop', 'latest'))).toBe(false);
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
      fs.rmSync(missingStore, { recursive: true, force: true });
    }
  });

  test('a gzip dump without stdbuf, which sets the blocks pg_dump writes, fails, says how to fix it and records nothing', async () => {
    // A PATH with node only: pg_dump comes from PG_BIN_DIR, and stdbuf, which it is run through, is missing.
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-no-stdbuf-'));
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    const missingStore = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-no-stdbuf-store-'));
    try {
      const dump = await runPgBackup(['dump', '--database-url', pg().url('shop'), '--to', `file://${missingStore}`, '--compress', 'gzip:6'], { ...env(), PATH: bin });
      expect(dump).toMatchObject({ exitCode: 1, result: { ok: false } });
      expect(dump.result.error).toMatch(/the stdbuf program is not installed: dump runs pg_dump through it.*install stdbuf with apt-get install coreutils/);
      expect(fs.existsSync(path.join(missingStore, 'shop', 'latest'))).toBe(false);
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
      fs.rmSync(missingStore, { recursive: true, force: true });
    }
  });
});
