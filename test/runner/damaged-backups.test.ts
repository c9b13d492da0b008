import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { usePostgres } from '../support/postgres';
import { seedShopDatabase } from './support/backup-fixtures';
import { runPgBackup, runPgBackupInProcess } from './support/pg-backup-process';

/** Every file under a directory, relative to it, sorted. */
function filesUnder(root: string): string[] {
  const found: string[] = [];
  const walk = (directory: string) => {
    for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) walk(full);
      else found.push(path.relative(root, full));
    }
  };
  walk(root);
  return found.sort();
}

/** A retention that keeps one backup: whatever else prune keeps, it keeps for another reason. */
const KEEP_ONE = ['--daily', '1', '--weekly', '0', '--monthly', '0', '--yearly', '0', '--minimum-kept', '1'];

/**
 * Backups damaged in the store after they were written: a dump object cut short or with a byte changed, a manifest
 * that is not JSON, a latest pointer that names a backup that is gone. No command reports success on a damaged
 * backup, each says what is damaged, and prune deletes nothing because of the damage.
 */
describe('a damaged backup is named by every command, and never restored, verified or pruned on its word', () => {
  const pg = usePostgres();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-damaged-'));
  const env = () => ({ PG_BIN_DIR: pg().binDir });
  const pristine = path.join(work, 'pristine');
  let older: string;
  let newer: string;

  /** A copy of two complete backups of shop (the newer one named by latest) to damage. */
  function copyOfStore(name: string): { root: string; uri: string; file: (backupId: string, object: string) => string } {
    const root = path.join(work, name);
    fs.cpSync(pristine, root, { recursive: true });
    return { root, uri: `file://${root}`, file: (backupId, object) => path.join(root, 'shop', backupId, object) };
  }
  const dumpObjectOf = (file: string) => (JSON.parse(fs.readFileSync(file, 'utf8')).objects as Array<{ role: string; name: string }>)
    .find((object) => object.role === 'dump')!.name;
  const databaseExists = async (name: string) => (await pg().query(`SELECT 1 FROM pg_database WHERE datname = '${name}'`)).length > 0;

  beforeAll(async () => {
    await seedShopDatabase(pg(), 'shop');
    const first = await runPgBackupInProcess(['dump', '--database-url', pg().url('shop'), '--to', `file://${pristine}`], env());
    const second = await runPgBackupInProcess(['dump', '--database-url', pg().url('shop'), '--to', `file://${pristine}`], env());
    expect([first.exitCode, second.exitCode]).toEqual([0, 0]);
    [older, newer] = [first.result.backupId, second.result.backupId];
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  describe.each([
    ['cut short', (bytes: Buffer) => bytes.subarray(0, Math.floor(bytes.length / 2)), /is truncated or damaged: \d+ bytes where the manifest records \d+/],
    ['with one byte changed', (bytes: Buffer) => {
      const copy = Buffer.from(bytes);
      copy[Math.floor(copy.length / 2)] = 255 - copy[Math.floor(copy.length / 2)];
      return copy;
    }, /does not match its manifest: sha256 [0-9a-f]{64}, expected [0-9a-f]{64}/],
  ])('a dump object %s', (name, damage, mismatch) => {
    let store: ReturnType<typeof copyOfStore>;
    let object: string;

    beforeAll(() => {
      store = copyOfStore(`object-${name.replace(/\W+/g, '-')}`);
      object = dumpObjectOf(store.file(newer, 'manifest.json'));
      fs.writeFileSync(store.file(newer, object), damage(fs.readFileSync(store.file(newer, object))));
    });

    test('fails restore into a new database, naming the object and the mismatch, and the database it created is dropped', async () => {
      const target = `shop_damaged_${name.length}`;
      const before = filesUnder(store.root);
      const run = await runPgBackup(['restore', '--from', store.uri, '--backup', newer, '--target-url', pg().url(target)], env());
      expect(run.exitCode).toBe(1);
      expect(run.result).toMatchObject({ command: 'restore', ok: false, metrics: { RestoreFailed: 1, RestoreSucceeded: 0 } });
      expect(run.result.error).toContain(object);
      expect(run.result.error).toMatch(mismatch);
      expect(await databaseExists(target)).toBe(false);
      expect(filesUnder(store.root)).toEqual(before);
    });

    test('fails restore --latest too: latest names the damaged backup and restore never falls back without saying so', async () => {
      const target = `shop_damaged_latest_${name.length}`;
      const run = await runPgBackup(['restore', '--from', store.uri, '--latest', '--target-url', pg().url(target)], env());
      expect(run).toMatchObject({ exitCode: 1, result: { command: 'restore', ok: false, metrics: { RestoreFailed: 1 } } });
      expect(run.result.error).toMatch(mismatch);
      expect(await databaseExists(target)).toBe(false);
    });
  });

  describe('a scratch disk too small for the download', () => {
    const scratch = path.join(work, 'small-scratch');

    beforeAll(() => {
      fs.mkdirSync(scratch);
      // A real file system of four pages (tmpfs refuses writes beyond its size with ENOSPC); needs root, which the test run has.
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k,mode=0777', 'tmpfs', scratch]);
    });
    afterAll(() => execFileSync('umount', [scratch]));

    test('fails restore of a custom-format backup saying the disk is full, never that the backup is damaged', async () => {
      const run = await runPgBackup(['restore', '--from', `file://${pristine}`, '--backup', newer, '--target-url', pg().url('shop_no_scratch'), '--scratch-dir', scratch], env());
      expect(run.exitCode).toBe(1);
      expect(run.result).toMatchObject({ command: 'restore', ok: false, metrics: { RestoreFailed: 1 } });
      expect(run.result.error).toMatch(/^cannot write (shop\/\S+|the restore list \S+) into the scratch directory \S+: No space left on device; the local disk failed, not the backup/);
      expect(run.result.error).not.toMatch(/truncated or damaged|does not match its manifest/);
      expect(await databaseExists('shop_no_scratch')).toBe(false);
    });
  });

  describe('a manifest that is not JSON', () => {
    let store: ReturnType<typeof copyOfStore>;

    beforeAll(() => {
      store = copyOfStore('torn-manifest');
      const manifest = store.file(newer, 'manifest.json');
      fs.writeFileSync(manifest, fs.readFileSync(manifest).subarray(0, 100));
    });

    test('status shows it broken and says latest names a backup without a complete manifest', async () => {
      const run = await runPgBackupInProcess(['status', '--from', store.uri], env());
      expect(run.exitCode).toBe(0);
      expect(run.result.databases[0]).toMatchObject({
        database: 'shop',
        newest: { backupId: older },
        complete: 1,
        broken: [{ backupId: newer, reason: expect.stringMatching(/not JSON/) }],
        latestProblem: expect.stringMatching(new RegExp(`^latest names backup ${newer}, which has no complete manifest \\(deleted, damaged or never finished\\); the newest complete backup is ${older}, which --latest takes`)),
      });
    });

    test('restore by its id fails with the reason; restore --latest takes the older backup and says why in its log', async () => {
      const byId = await runPgBackup(['restore', '--from', store.uri, '--backup', newer, '--target-url', pg().url('shop_from_torn')], env());
      expect(byId.exitCode).toBe(1);
      expect(byId.result.error).toMatch(new RegExp(`backup ${newer} of shop cannot be used: .*manifest\\.json is broken \\(.*not JSON`));
      expect(await databaseExists('shop_from_torn')).toBe(false);
      const latest = await runPgBackup(['restore', '--from', store.uri, '--latest', '--target-url', pg().url('shop_from_torn_latest')], env());
      expect(latest).toMatchObject({ exitCode: 0, result: { ok: true, backupId: older } });
      expect(latest.stderr).toMatch(new RegExp(`latest names backup ${newer}, which has no complete manifest`));
    });

    test('prune keeps it (whatever its age) and the complete backup, deletes nothing, and says what is wrong with latest', async () => {
      const before = filesUnder(store.root);
      const run = await runPgBackupInProcess(['prune', '--from', store.uri, '--rpo', '1d', ...KEEP_ONE], env());
      expect(run.exitCode).toBe(0);
      expect(run.result.databases[0]).toMatchObject({
        deleted: [],
        abandoned: [],
        abandonedKept: [],
        unreadableKept: [{ backupId: newer, reason: expect.stringMatching(/manifest/) }],
        latestProblem: expect.stringMatching(`latest names backup ${newer}`),
      });
      expect(filesUnder(store.root)).toEqual(before);
    });
  });

  describe('a latest pointer that names a backup that is gone', () => {
    let store: ReturnType<typeof copyOfStore>;
    const problem = () => new RegExp(`latest names backup ${newer}, which has no complete manifest \\(deleted, damaged or never finished\\); the newest complete backup is ${older}`);

    beforeAll(() => {
      store = copyOfStore('dangling-latest');
      fs.rmSync(path.join(store.root, 'shop', newer), { recursive: true });
      expect(fs.readFileSync(path.join(store.root, 'shop', 'latest'), 'utf8')).toContain(newer);
    });

    test('list and status say so', async () => {
      const list = await runPgBackupInProcess(['list', '--from', store.uri], env());
      expect(list).toMatchObject({
        exitCode: 0,
        result: { count: 1, backups: [{ backupId: older }], latestProblems: [{ database: 'shop', problem: expect.stringMatching(problem()) }] },
      });
      const status = await runPgBackupInProcess(['status', '--from', store.uri], env());
      expect(status.exitCode).toBe(0);
      expect(status.result.databases).toMatchObject([{ newest: { backupId: older }, latestProblem: expect.stringMatching(problem()) }]);
    });

    test('verify --latest verifies the newest complete backup and says what latest names', async () => {
      const run = await runPgBackup(['verify', '--from', store.uri, '--latest', '--target-url', pg().url()], env());
      expect(run).toMatchObject({ exitCode: 0, result: { ok: true, backupId: older, rowCountsCompared: true } });
      expect(run.stderr).toMatch(problem());
    });

    test('prune deletes nothing on its word: the newest complete backup stays, and the result says what is wrong', async () => {
      const before = filesUnder(store.root);
      const run = await runPgBackupInProcess(['prune', '--from', store.uri, '--rpo', '1d', ...KEEP_ONE], env());
      expect(run.exitCode).toBe(0);
      expect(run.result.databases[0]).toMatchObject({
        deleted: [], kept: [expect.objectContaining({ backupId: older })], latestProblem: expect.stringMatching(problem()),
      });
      expect(filesUnder(store.root)).toEqual(before);
    });

    test('the next dump moves latest on, and the problem is gone', async () => {
      const dump = await runPgBackupInProcess(['dump', '--database-url', pg().url('shop'), '--to', store.uri], env());
      expect(dump).toMatchObject({ exitCode: 0, result: { latestMoved: true } });
      const status = await runPgBackupInProcess(['status', '--from', store.uri], env());
      expect(status.result.databases[0].latestProblem).toBeUndefined();
      expect(status.result.databases[0].newest.backupId).toBe(dump.result.backupId);
    });
  });
});
