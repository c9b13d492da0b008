import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { usePostgres } from '../support/postgres';
import { seedShopDatabase, writeCheckFile } from './support/backup-fixtures';
import { runPgBackup, type PgBackupRun } from './support/pg-backup-process';

describe('verify refuses a damaged or wrong backup and leaves nothing behind', () => {
  const pg = usePostgres();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-verify-store-'));
  const uri = `file://${root}`;
  const env = () => ({ PG_BIN_DIR: pg().binDir });
  let earlierBackup: string;

  const manifests = () => fs.readdirSync(path.join(root, 'ledger')).filter((name) => fs.existsSync(path.join(root, 'ledger', name, 'manifest.json'))).sort();
  const latest = () => fs.readFileSync(path.join(root, 'ledger', 'latest'), 'utf8');
  const backupFile = (backupId: string, name: string) => path.join(root, 'ledger', backupId, name);
  /** The dump object's name as the manifest records it (its suffix follows the compression: dump.pgdump.zst by default). */
  const dumpObject = (backupId: string) => {
    const manifest = JSON.parse(fs.readFileSync(backupFile(backupId, 'manifest.json'), 'utf8'));
    return (manifest.objects as Array<{ role: string; name: string }>).find((object) => object.role === 'dump')!.name;
  };

  async function dumpLedger(): Promise<string> {
    const run = await runPgBackup(['dump', '--database-url', pg().url('ledger'), '--to', uri], env());
    expect(run.exitCode).toBe(0);
    return run.result.backupId;
  }

  async function verify(backupId: string, ...extra: string[]): Promise<PgBackupRun> {
    return runPgBackup(['verify', '--from', uri, '--backup', backupId, '--target-url', pg().url(), ...extra], env());
  }

  /** The verification failed with the message, dropped its scratch database, and changed nothing in the store. */
  async function expectRefused(run: PgBackupRun, message: RegExp, before: { manifests: string[]; latest: string }) {
    expect(run.exitCode).toBe(1);
    expect(run.result).toMatchObject({ command: 'verify', ok: false, metrics: { VerifyFailed: 1, VerifySucceeded: 0 } });
    expect(run.result.error).toMatch(message);
    expect(await pg().query("SELECT datname FROM pg_database WHERE datname LIKE 'pg_backup_verify_%'")).toEqual([]);
    expect({ manifests: manifests(), latest: latest() }).toEqual(before);
    const earlier = await verify(earlierBackup);
    expect(earlier).toMatchObject({ exitCode: 0, result: { ok: true, rowCountsCompared: true } });
  }

  beforeAll(async () => {
    await seedShopDatabase(pg(), 'ledger');
    earlierBackup = await dumpLedger();
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test('a truncated dump object fails with its size against the manifest\'s', async () => {
    const backupId = await dumpLedger();
    const file = backupFile(backupId, dumpObject(backupId));
    const size = fs.statSync(file).size;
    fs.truncateSync(file, Math.floor(size / 2));
    const before = { manifests: manifests(), latest: latest() };
    await expectRefused(await verify(backupId), new RegExp(`dump\\.pgdump(\\.zst)? is truncated or damaged: ${Math.floor(size / 2)} bytes where the manifest records ${size}`), before);
  });

  test('a dump object of the right size but other content fails the sha256 check', async () => {
    const backupId = await dumpLedger();
    const file = backupFile(backupId, dumpObject(backupId));
    const bytes = fs.readFileSync(file);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = 255 - bytes[middle];
    fs.writeFileSync(file, bytes);
    const before = { manifests: manifests(), latest: latest() };
    await expectRefused(await verify(backupId), /dump\.pgdump(\.zst)? does not match its manifest: sha256 [0-9a-f]{64}, expected [0-9a-f]{64}/, before);
  });

  describe('a scratch disk too small for the download', () => {
    const scratch = path.join(root, 'small-scratch');
    let directoryBackup: string;

    beforeAll(async () => {
      const run = await runPgBackup(['dump', '--database-url', pg().url('ledger'), '--to', uri, '--format', 'directory'], env());
      expect(run.exitCode).toBe(0);
      directoryBackup = run.result.backupId;
      fs.mkdirSync(scratch);
      // A real file system of four pages (tmpfs refuses writes beyond its size with ENOSPC); needs root, which the test run has.
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k,mode=0777', 'tmpfs', scratch]);
    });
    afterAll(() => execFileSync('umount', [scratch]));

    test.each([
      ['verify of a custom-format backup', () => ['verify', '--backup', earlierBackup, '--target-url', pg().url()]],
      ['verify of a directory-format backup', () => ['verify', '--backup', directoryBackup, '--target-url', pg().url()]],
      ['restore of a directory-format backup', () => ['restore', '--backup', directoryBackup, '--target-url', pg().url('ledger_restored')]],
    ])('fails the %s saying the scratch disk is full, never that the backup is damaged', async (_name, args) => {
      const before = { manifests: manifests(), latest: latest() };
      const [command, ...flags] = args();
      const run = await runPgBackup([command, '--from', uri, ...flags, '--scratch-dir', scratch], env());
      expect(run.exitCode).toBe(1);
      expect(run.result.error).toMatch(/^cannot write (ledger\/\S+|the restore list \S+) into the scratch directory \S+: No space left on device; the local disk failed, not the backup/);
      expect(run.result.error).not.toMatch(/truncated or damaged|does not match its manifest/);
      expect(await pg().query("SELECT datname FROM pg_database WHERE datname LIKE 'pg_backup_verify_%'")).toEqual([]);
      expect({ manifests: manifests(), latest: latest() }).toEqual(before);
    });
  });

  test('restored row counts that differ from the manifest fail and name the table', async () => {
    const backupId = await dumpLedger();
    const manifestFile = backupFile(backupId, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    const customers = manifest.rowCounts.tables.find((entry: { table: string }) => entry.table === 'customers');
    customers.rows += 1;
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));
    const before = { manifests: manifests(), latest: latest() };
    await expectRefused(await verify(backupId), /row counts of the restored database differ from the manifest in 1 table\(s\): public\.customers: 2500 rows, manifest 2501/, before);
  });

  test('an archive that holds data of more tables than the manifest counts fails while the restore is under way, and leaves nothing behind', async () => {
    const backupId = await dumpLedger();
    const manifestFile = backupFile(backupId, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    const tables = manifest.rowCounts.tables.length;
    manifest.rowCounts.tables.pop();
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));
    const before = { manifests: manifests(), latest: latest() };
    await expectRefused(await verify(backupId), new RegExp(`^the archive holds data of ${tables} tables but the manifest counts ${tables - 1}$`), before);
  });

  test('a table whose rows are damaged in the archive itself (the manifest matching the damaged object) fails in pg_restore and names the table', async () => {
    const backupId = await dumpLedger();
    const name = dumpObject(backupId);
    const stored = backupFile(backupId, name);
    const plain = path.join(root, 'damaged.pgdump');
    execFileSync('zstd', ['-d', '-q', '-f', stored, '-o', plain]);
    const archive = fs.readFileSync(plain);
    const row = archive.indexOf('1234\tcustomer 1234\n');
    expect(row).toBeGreaterThan(0);
    archive.write('12x4', row, 'latin1');
    fs.writeFileSync(plain, archive);
    execFileSync('zstd', ['-1', '-q', '-f', plain, '-o', stored]);
    fs.rmSync(plain);
    const manifestFile = backupFile(backupId, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    const object = manifest.objects.find((candidate: { name: string }) => candidate.name === name);
    const bytes = fs.readFileSync(stored);
    object.bytes = bytes.length;
    object.sha256 = createHash('sha256').update(bytes).digest('hex');
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));
    const before = { manifests: manifests(), latest: latest() };
    await expectRefused(await verify(backupId), /COPY failed for table "customers": ERROR: {2}invalid input syntax for type integer: "12x4"/, before);
  });

  test('the scratch database\'s tables are loaded with autovacuum off; a kept one is left as the backup defines its tables', async () => {
    const tables = "FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace";
    const autovacuumOff = writeCheckFile(`SELECT count(*) > 0 AND bool_and(coalesce(reloptions, '{}') @> ARRAY['autovacuum_enabled=off']) ${tables};\n`);
    expect(await verify(earlierBackup, '--check', autovacuumOff)).toMatchObject({ exitCode: 0, result: { ok: true, rowCountsCompared: true } });
    const kept = await verify(earlierBackup, '--keep');
    expect(kept).toMatchObject({ exitCode: 0, result: { ok: true, kept: true } });
    const scratch = String(kept.result.scratchDatabase);
    try {
      expect(await pg().query(`SELECT count(*)::int AS tables, count(reloptions)::int AS with_options ${tables}`, scratch))
        .toEqual([{ tables: expect.any(Number), with_options: 0 }]);
    } finally {
      await pg().query(`DROP DATABASE "${scratch}"`);
    }
  });

  test('a check statement that is not true fails and shows the statement', async () => {
    const checks = writeCheckFile('SELECT count(*) > 0 FROM customers;\nSELECT count(*) = 999 FROM customers;\n');
    const before = { manifests: manifests(), latest: latest() };
    const run = await verify(earlierBackup, '--check', checks);
    await expectRefused(run, /check failed \(.*checks\.sql\): SELECT count\(\*\) = 999 FROM customers — returned \[\[false\]\], not a single true/, before);
  });
});
