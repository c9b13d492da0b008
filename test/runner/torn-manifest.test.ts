import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { usePostgres } from '../support/postgres';
import { seedShopDatabase } from './support/backup-fixtures';
import { runPgBackup } from './support/pg-backup-process';

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

describe('a manifest that cannot be read never breaks the location', () => {
  const pg = usePostgres();
  const env = () => ({ PG_BIN_DIR: pg().binDir });
  const dumpTo = (directory: string) => runPgBackup(['dump', '--database-url', pg().url('depot'), '--to', `file://${directory}`], env());
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-torn-'));

  beforeAll(async () => {
    await seedShopDatabase(pg(), 'depot');
  });
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  describe('a disk that fills up while the manifest is written', () => {
    const mountPoint = path.join(scratch, 'small-disk');
    let dumpPages: number;

    beforeAll(async () => {
      // The same database dumps to the same number of bytes: measure once, then size a disk that holds one
      // complete backup and the dump object of a second, and not one page more.
      const measured = path.join(scratch, 'measure');
      const probe = await dumpTo(measured);
      expect(probe.exitCode).toBe(0);
      const page = 4096;
      dumpPages = Math.ceil(probe.result.objects.find((object: { role: string }) => object.role === 'dump').bytes / page);
      fs.mkdirSync(mountPoint);
      // A real, tiny file system (tmpfs refuses writes beyond its size with ENOSPC); needs root, which the test run has.
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${(2 * dumpPages + 2) * page},mode=0777`, 'tmpfs', mountPoint]);
    });
    afterAll(() => {
      if (fs.existsSync(mountPoint)) execFileSync('umount', [mountPoint]);
    });

    test('fails saying no manifest was written, leaves no part of one, and the earlier backup still lists and verifies', async () => {
      const earlier = await dumpTo(mountPoint);
      expect(earlier).toMatchObject({ exitCode: 0, result: { ok: true } });
      const latestBefore = fs.readFileSync(path.join(mountPoint, 'depot', 'latest'), 'utf8');

      const full = await dumpTo(mountPoint);
      expect(full).toMatchObject({ exitCode: 1, result: { ok: false, metrics: { BackupFailed: 1 } } });
      expect(full.result.error).toMatch(/writing \S+\/manifest\.json failed \(nothing was left\): ENOSPC: no space left on device, write \(the dump objects of backup \S+ are stored under depot\/\S+, but no manifest was written and latest is unchanged/);
      const files = filesUnder(mountPoint);
      expect(files.filter((file) => file.endsWith('manifest.json'))).toEqual([`depot/${earlier.result.backupId}/manifest.json`]);
      expect(files.filter((file) => file.endsWith('.tmp'))).toEqual([]);
      expect(fs.readFileSync(path.join(mountPoint, 'depot', 'latest'), 'utf8')).toBe(latestBefore);

      const list = await runPgBackup(['list', '--from', `file://${mountPoint}`], env());
      expect(list).toMatchObject({ exitCode: 0, result: { ok: true, count: 1, brokenCount: 0, backups: [{ backupId: earlier.result.backupId }] } });
      const verify = await runPgBackup(['verify', '--from', `file://${mountPoint}`, '--latest', '--target-url', pg().url()], env());
      expect(verify).toMatchObject({ exitCode: 0, result: { ok: true, backupId: earlier.result.backupId } });
    });
  });

  // Two complete backups, dumped once and copied for each kind of damage (a dump is what takes the time here).
  const twoBackupsRoot = path.join(scratch, 'two-backups');
  let twoBackupIds: Promise<[string, string]> | undefined;
  const twoBackups = () => {
    twoBackupIds ??= (async () => {
      const first = await dumpTo(twoBackupsRoot);
      const second = await dumpTo(twoBackupsRoot);
      expect([first.exitCode, second.exitCode]).toEqual([0, 0]);
      return [first.result.backupId, second.result.backupId] as [string, string];
    })();
    return twoBackupIds;
  };

  describe.each([
    ['an empty (0-byte) manifest', () => Buffer.alloc(0), /it is empty \(0 bytes\)/],
    ['a manifest cut off mid-way', (valid: Buffer) => valid.subarray(0, valid.length / 2), /not JSON/],
    ['a manifest of garbage bytes', () => Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x7b]), /not JSON/],
    ['JSON that is not a manifest', () => Buffer.from('{"hello":"world"}'), /manifestVersion is undefined/],
    ['the manifest of another backup', (valid: Buffer) => Buffer.from(valid.toString('utf8').replace(/"backupId": "[^"]+"/, '"backupId": "20200101T000000Z-00000000"')),
      /describes backup 20200101T000000Z-00000000 of depot, not the backup of its folder/],
  ])('%s', (_name, damage, reason) => {
    const root = path.join(scratch, `damaged-${Math.random().toString(16).slice(2)}`);
    let good: string;
    let damaged: string;

    beforeAll(async () => {
      [good, damaged] = await twoBackups();
      fs.cpSync(twoBackupsRoot, root, { recursive: true });
      const manifest = path.join(root, 'depot', damaged, 'manifest.json');
      fs.writeFileSync(manifest, damage(fs.readFileSync(manifest)));
    });

    test('is listed as a broken entry with its reason beside the complete backups', async () => {
      const list = await runPgBackup(['list', '--from', `file://${root}`], env());
      expect(list).toMatchObject({ exitCode: 0, result: { ok: true, count: 1, brokenCount: 1, backups: [{ backupId: good }] } });
      expect(list.result.broken).toEqual([{ database: 'depot', backupId: damaged, manifestKey: `depot/${damaged}/manifest.json`, reason: expect.stringMatching(reason) }]);
    });

    test('is passed over by verify --latest, which takes the newest complete backup', async () => {
      const verify = await runPgBackup(['verify', '--from', `file://${root}`, '--latest', '--target-url', pg().url()], env());
      expect(verify).toMatchObject({ exitCode: 0, result: { ok: true, backupId: good } });
    });

    test('fails verify by its id with the reason', async () => {
      const verify = await runPgBackup(['verify', '--from', `file://${root}`, '--backup', damaged, '--target-url', pg().url()], env());
      expect(verify.exitCode).toBe(1);
      expect(verify.result.error).toMatch(damaged);
    });
  });
});
