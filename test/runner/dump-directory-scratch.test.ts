import { execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { usePostgres } from '../support/postgres';
import { useS3 } from '../support/s3';
import { tableRowCounts } from './support/backup-fixtures';
import { runPgBackup, startPgBackup } from './support/pg-backup-process';
import { startTcpProxy } from './support/tcp-proxy';

const MiB = 1024 * 1024;
/**
 * The task's scratch disk: a real file system that is full at this size, less than half the dump. The runner lets pg_dump
 * write ahead of its reading by a quarter of it, and pauses pg_dump while less is free than pg_dump wrote between two of
 * its checks (twice that): a check that a loaded machine makes come late makes every later pause come earlier.
 */
const SCRATCH_MIB = 64;
/** Rows of each table of the wide database: its uncompressed dump must stay over twice the scratch disk. */
const WIDE_ROWS = 160000;
const TABLES = 12;

// Mounting a size-limited tmpfs needs root; without it the limit cannot be made real.
const asRoot = process.getuid?.() === 0 ? describe : describe.skip;

asRoot('a directory-format dump larger than the scratch disk', () => {
  const pg = usePostgres();
  const s3 = useS3({ buckets: ['scratch-backups'] });

  /** What a failed dump must leave as it was in the test bucket: the database's `latest` pointer and every manifest under the prefix. */
  function storeState(prefix: string, database: string): { latest: () => Promise<string>; manifests: () => Promise<string[]> } {
    return {
      latest: async () => (await s3().client.send(new GetObjectCommand({ Bucket: 'scratch-backups', Key: `${prefix}/${database}/latest` }))).Body!.transformToString(),
      manifests: async () => ((await s3().client.send(new ListObjectsV2Command({ Bucket: 'scratch-backups', Prefix: `${prefix}/` }))).Contents ?? [])
        .map((object) => object.Key!).filter((key) => key.endsWith('manifest.json')),
    };
  }

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-small-scratch-'));
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-small-scratch-store-'));
  let sourceCounts: Record<string, number>;
  let plainBytes: number;
  let hugeCounts: Record<string, number>;
  /** What pg_dump writes for the one large table before the runner compresses it. */
  let hugeTableBytes: number;

  beforeAll(async () => {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${SCRATCH_MIB}m`, 'tmpfs', scratch]);
    await pg().createDatabase('wide');
    const tables = Array.from({ length: TABLES }, (_, i) => `
      CREATE TABLE part_${i} (id int PRIMARY KEY, payload text);
      INSERT INTO part_${i} SELECT g, md5(g::text || '${i}') || md5(g::text) FROM generate_series(1, ${WIDE_ROWS}) g;`).join('\n');
    await pg().query(`${tables} ANALYZE;`, 'wide');
    sourceCounts = await tableRowCounts(pg(), 'wide');
    // What staging the whole dump would need: the uncompressed archive pg_dump writes before the runner compresses it.
    plainBytes = execFileSync(path.join(pg().binDir, 'pg_dump'), ['-Fc', '-Z0', '--dbname', pg().url('wide')], { maxBuffer: 256 * MiB }).length;

    await pg().createDatabase('tall');
    await pg().query(`
      CREATE TABLE small (id int PRIMARY KEY, name text);
      INSERT INTO small SELECT g, 'name ' || g FROM generate_series(1, 1000) g;
      CREATE TABLE huge (id int, payload text);
      INSERT INTO huge SELECT g, md5(g::text) || md5((g * 7)::text) FROM generate_series(1, 2000000) g;
      ANALYZE;`, 'tall');
    hugeCounts = await tableRowCounts(pg(), 'tall');
    hugeTableBytes = execFileSync(path.join(pg().binDir, 'pg_dump'), ['-Fc', '-Z0', '-t', 'huge', '--dbname', pg().url('tall')], { maxBuffer: 512 * MiB }).length;
  });
  afterAll(() => {
    execFileSync('umount', [scratch]);
    fs.rmSync(scratch, { recursive: true, force: true });
    fs.rmSync(store, { recursive: true, force: true });
  });

  test('succeeds with -j 2: each file is uploaded and deleted once pg_dump has closed it', async () => {
    expect(plainBytes).toBeGreaterThan(2 * SCRATCH_MIB * MiB);
    const dump = await runPgBackup(['dump', '--database-url', pg().url('wide'), '--to', `file://${store}`, '--format', 'directory', '--jobs', '2'], {
      PG_BIN_DIR: pg().binDir, PG_BACKUP_SCRATCH_DIR: scratch,
    });
    expect({ exitCode: dump.exitCode, error: dump.result.error }).toEqual({ exitCode: 0, error: undefined });
    expect(dump.result).toMatchObject({ ok: true, format: 'directory', tables: TABLES });
    expect(dump.result.scratchPeakBytes).toBeGreaterThan(0);
    expect(dump.result.scratchPeakBytes).toBeLessThan(SCRATCH_MIB * MiB);
    expect(fs.readdirSync(scratch)).toEqual([]);

    // Verify downloads the whole backup, so it gets a scratch disk of ordinary size.
    const verify = await runPgBackup(['verify', '--from', `file://${store}`, '--backup', dump.result.backupId, '--target-url', pg().url(), '--jobs', '2'], {
      PG_BIN_DIR: pg().binDir,
    });
    expect(verify).toMatchObject({ exitCode: 0, result: { ok: true, rowCountsCompared: true, tablesCompared: TABLES } });
    expect(Object.values(sourceCounts)).toEqual(Array(TABLES).fill(WIDE_ROWS));
  });

  test('succeeds with one table larger than the scratch disk: its file is uploaded while pg_dump writes it, and restores with pg_restore', async () => {
    expect(hugeTableBytes).toBeGreaterThan(2 * SCRATCH_MIB * MiB);
    const dump = await runPgBackup(['dump', '--database-url', pg().url('tall'), '--to', `file://${store}`, '--format', 'directory', '--jobs', '2'], {
      PG_BIN_DIR: pg().binDir, PG_BACKUP_SCRATCH_DIR: scratch,
    });
    expect({ exitCode: dump.exitCode, error: dump.result.error }).toEqual({ exitCode: 0, error: undefined });
    expect(dump.result).toMatchObject({ ok: true, format: 'directory', tables: 2 });
    expect(dump.result.scratchPeakBytes).toBeLessThan(SCRATCH_MIB * MiB);
    expect(fs.readdirSync(scratch)).toEqual([]);

    // The manifest names every stored file with its size and SHA-256.
    const folder = path.join(store, 'tall', dump.result.backupId);
    const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'manifest.json'), 'utf8')) as { objects: { name: string; bytes: number; sha256: string }[] };
    const dumpObjects = manifest.objects.filter((object) => object.name.startsWith('dump/'));
    expect(dumpObjects.map((object) => object.name)).toContain('dump/toc.dat');
    for (const object of dumpObjects) {
      const stored = fs.readFileSync(path.join(folder, object.name));
      expect({ name: object.name, bytes: stored.length, sha256: createHash('sha256').update(stored).digest('hex') })
        .toEqual({ name: object.name, bytes: object.bytes, sha256: object.sha256 });
    }

    // The plain tools restore it: each file decompressed with zstd, the directory given to pg_restore.
    const restoreDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-tall-restore-'));
    try {
      for (const object of dumpObjects) {
        const source = path.join(folder, object.name);
        const target = path.join(restoreDir, path.basename(object.name).replace(/\.zst$/, ''));
        if (source.endsWith('.zst')) execFileSync('zstd', ['-d', '-q', '-f', source, '-o', target]);
        else fs.copyFileSync(source, target);
      }
      await pg().createDatabase('tall_restored');
      execFileSync(path.join(pg().binDir, 'pg_restore'), ['--no-owner', '--exit-on-error', '--dbname', pg().url('tall_restored'), restoreDir]);
    } finally {
      fs.rmSync(restoreDir, { recursive: true, force: true });
    }
    expect(await tableRowCounts(pg(), 'tall_restored')).toEqual(hugeCounts);
    expect(hugeCounts['public.huge']).toBe(2000000);
  });

  test('a store that stalls while the runner looks at the files only every 10 s: the check that follows pg_dump\'s writes pauses it before the disk is full', async () => {
    // Looks this far apart are what a loaded machine can make of the usual 25 ms. The store takes nothing meanwhile, so
    // pg_dump writes the whole disk full between two looks unless a check that follows its writes pauses it.
    const proxy = await startTcpProxy(s3().port, { holdAt: /PUT \S*\/dump\/\d+\.dat\.zst\S*partNumber=1/ });
    const env = {
      PG_BIN_DIR: pg().binDir,
      PG_BACKUP_SCRATCH_DIR: scratch,
      ...s3().env,
      AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${proxy.port}`,
      PG_BACKUP_DIRECTORY_LOOK_MS: '10000',
    };
    const run = startPgBackup(['dump', '--database-url', pg().url('tall'), '--to', 's3://scratch-backups/stalled', '--format', 'directory',
      '--jobs', '2', '--part-size-mb', '5'], env);
    await proxy.whenHeld;
    // Until pg_dump is paused (or, without the check, has failed on the full disk), the store stays stalled.
    const paused = await untilStopped(run.child, 'pg_dump');
    proxy.release();
    const dump = await run.done;
    await proxy.cut();
    expect({ paused, exitCode: dump.exitCode, error: dump.result.error }).toEqual({ paused: true, exitCode: 0, error: undefined });
    expect(dump.result).toMatchObject({ ok: true, format: 'directory', tables: 2 });
    expect(dump.result.scratchPeakBytes).toBeLessThan(SCRATCH_MIB * MiB);
    expect(fs.readdirSync(scratch)).toEqual([]);
  });

  test('an upload that fails in the middle of the large table\'s file fails the dump, keeps latest and reports BackupFailed', async () => {
    const s3Uri = 's3://scratch-backups/dumps';
    const env = { PG_BIN_DIR: pg().binDir, PG_BACKUP_SCRATCH_DIR: scratch, ...s3().env, AWS_MAX_ATTEMPTS: '2' };
    const earlier = await runPgBackup(['dump', '--database-url', pg().url('tall'), '--to', s3Uri, '--format', 'directory', '--part-size-mb', '5'], env);
    expect({ exitCode: earlier.exitCode, error: earlier.result.error }).toEqual({ exitCode: 0, error: undefined });
    const { latest, manifests } = storeState('dumps', 'tall');
    const latestBefore = await latest();
    const manifestsBefore = await manifests();

    // Only the large table's file has a second part: the store goes away in the middle of it.
    const proxy = await startTcpProxy(s3().port, { cutAt: /PUT \S*\/dump\/\d+\.dat\.zst\S*partNumber=2/ });
    const failed = await runPgBackup(['dump', '--database-url', pg().url('tall'), '--to', s3Uri, '--format', 'directory', '--part-size-mb', '5'],
      { ...env, AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${proxy.port}` });
    await proxy.whenCut;
    expect(failed.exitCode).toBe(1);
    expect(failed.result).toMatchObject({ command: 'dump', ok: false, metrics: { BackupFailed: 1, BackupSucceeded: 0 } });
    // The cut reaches the upload either as the store going away or, when it lands between two parts, as the aborted upload.
    expect(failed.result.error).toMatch(/uploading s3:\/\/scratch-backups\/dumps\/tall\/\S+\/dump\/\d+\.dat\.zst/);
    expect(failed.result.error).toMatch(/became unreachable|the multipart upload was aborted/);
    expect(failed.result.error).toMatch(/no manifest was written and latest is unchanged/);
    expect(await latest()).toBe(latestBefore);
    expect(await manifests()).toEqual(manifestsBefore);
    expect(fs.readdirSync(scratch)).toEqual([]);
  });

  describe('on a scratch disk with no room left', () => {
    const full = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-full-dump-scratch-'));
    beforeAll(() => {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', full]);
      // What else fills the task's disk: nothing is left for pg_dump's first block.
      fs.writeFileSync(path.join(full, 'filler'), Buffer.alloc(1024 * 1024));
    });
    afterAll(() => {
      execFileSync('umount', [full]);
      fs.rmSync(full, { recursive: true, force: true });
    });

    test('the dump fails naming the scratch disk, reports BackupFailed, and leaves the earlier backup and latest as they were', async () => {
      await pg().createDatabase('modest');
      await pg().query(`CREATE TABLE modest (id int PRIMARY KEY, payload text);
        INSERT INTO modest SELECT g, md5(g::text) FROM generate_series(1, 20000) g; ANALYZE;`, 'modest');
      const s3Uri = 's3://scratch-backups/full-disk';
      const args = ['dump', '--database-url', pg().url('modest'), '--to', s3Uri, '--format', 'directory', '--jobs', '2'];
      const earlier = await runPgBackup(args, { PG_BIN_DIR: pg().binDir, ...s3().env });
      expect({ exitCode: earlier.exitCode, error: earlier.result.error }).toEqual({ exitCode: 0, error: undefined });
      const { latest, manifests } = storeState('full-disk', 'modest');
      const latestBefore = await latest();
      const manifestsBefore = await manifests();
      expect(latestBefore).toContain(earlier.result.backupId);

      const failed = await runPgBackup(args, { PG_BIN_DIR: pg().binDir, PG_BACKUP_SCRATCH_DIR: full, ...s3().env });
      expect(failed.exitCode).toBe(1);
      expect(failed.result).toMatchObject({ command: 'dump', ok: false, metrics: { BackupFailed: 1, BackupSucceeded: 0 } });
      expect(failed.result.error).toMatch(new RegExp(`^pg_dump could not write the directory-format dump into the scratch directory ${full}/\\S+: `
        + 'No space left on device; the scratch disk had 0\\.0 MiB free when the dump began, .* give --scratch-dir \\(env PG_BACKUP_SCRATCH_DIR\\) a larger disk'));
      expect(await latest()).toBe(latestBefore);
      expect(await manifests()).toEqual(manifestsBefore);
      expect(fs.readdirSync(full)).toEqual(['filler']);
    });
  });
});

/** The first process named `name` below `pid` (its child, or a child's child), once there is one. */
function descendantNamed(pid: number, name: string): number | undefined {
  let children: number[];
  try {
    children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return undefined;
  }
  for (const child of children) {
    try {
      if (fs.readFileSync(`/proc/${child}/comm`, 'utf8').trim() === name) return child;
    } catch {
      continue;
    }
    const below = descendantNamed(child, name);
    if (below !== undefined) return below;
  }
  return undefined;
}

/** Resolves with true once the process named `name` below `parent` is stopped (SIGSTOP), as /proc says; false if `parent` exits first. */
async function untilStopped(parent: ChildProcess, name: string): Promise<boolean> {
  while (parent.exitCode === null && parent.signalCode === null) {
    const found = descendantNamed(parent.pid!, name);
    if (found !== undefined) {
      try {
        // The state follows the command name in parentheses: "T" is stopped by a signal.
        if (/\) T /.test(fs.readFileSync(`/proc/${found}/stat`, 'utf8'))) return true;
      } catch {
        // It has exited.
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}
