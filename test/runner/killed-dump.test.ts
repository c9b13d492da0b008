import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { usePostgres } from '../support/postgres';
import { useS3 } from '../support/s3';
import { seedShopDatabase } from './support/backup-fixtures';
import { runPgBackup, startPgBackup } from './support/pg-backup-process';

/** A progress line with bytes already moved: the dump is under way. */
const DUMP_IN_FLIGHT = /"phase":"dump","bytes":[1-9]/;

/**
 * A runner killed with SIGKILL in the middle of its upload (the OOM killer, a host that goes away: nothing of the
 * runner runs after it) leaves no manifest and never moves latest; the next run dumps and moves latest on as usual.
 */
describe('a dump killed with SIGKILL mid-upload, then run again', () => {
  const pg = usePostgres();
  const s3 = useS3({ buckets: ['killed-backups'] });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-killed-'));
  const env = () => ({ PG_BIN_DIR: pg().binDir, ...s3().env });

  beforeAll(async () => {
    await seedShopDatabase(pg(), 'shop');
    // Rows that do not compress away, so the dump is still streaming when it is killed.
    await pg().query('CREATE TABLE bulk AS SELECT g AS id, md5(g::text) || md5((g * 7)::text) AS payload FROM generate_series(1, 1000000) g; ANALYZE bulk;', 'shop');
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  /** The manifests and latest of shop, as `list` and `status` read them. */
  async function storeState(uri: string) {
    const list = await runPgBackup(['list', '--from', uri], env());
    expect(list.exitCode).toBe(0);
    const status = await runPgBackup(['status', '--from', uri], env());
    expect(status.exitCode).toBe(0);
    return {
      backups: (list.result.backups as { backupId: string }[]).map((backup) => backup.backupId),
      broken: list.result.brokenCount,
      newest: status.result.databases[0].newest?.backupId,
    };
  }

  describe.each([
    ['a directory', () => `file://${work}/store`],
    ['S3', () => 's3://killed-backups/nightly'],
  ])('in %s', (_kind, uri) => {
    test('leaves the earlier backup latest and whole, and the next dump completes and moves latest on', async () => {
      const first = await runPgBackup(['dump', '--database-url', pg().url('shop'), '--to', uri()], env());
      expect(first.exitCode).toBe(0);
      const before = await storeState(uri());
      expect(before).toEqual({ backups: [first.result.backupId], broken: 0, newest: first.result.backupId });

      // The runner in a process group of its own, killed with its children at once, as a container's are.
      const killed = startPgBackup(['dump', '--database-url', pg().url('shop'), '--to', uri()], env(), { through: ['setsid'] });
      await killed.waitForStderr(DUMP_IN_FLIGHT);
      // Frozen first, so what is killed is a dump whose pg_dump has not finished: the kill lands mid-upload, not after it.
      process.kill(-killed.child.pid!, 'SIGSTOP');
      expect(execFileSync('pgrep', ['-g', String(killed.child.pid), '-x', 'pg_dump'], { encoding: 'utf8' }).trim()).not.toBe('');
      process.kill(-killed.child.pid!, 'SIGKILL');
      const run = await killed.done;
      expect(run.signal).toBe('SIGKILL');

      const after = await storeState(uri());
      expect(after).toEqual(before);

      const verifyEarlier = await runPgBackup(['verify', '--from', uri(), '--latest', '--target-url', pg().url()], env());
      expect(verifyEarlier).toMatchObject({ exitCode: 0, result: { ok: true, backupId: first.result.backupId } });

      const next = await runPgBackup(['dump', '--database-url', pg().url('shop'), '--to', uri()], env());
      expect(next).toMatchObject({ exitCode: 0, result: { ok: true, latest: next.result.backupId, latestMoved: true } });
      expect(await storeState(uri())).toEqual({
        backups: [first.result.backupId, next.result.backupId].sort(), broken: 0, newest: next.result.backupId,
      });
    });
  });

  test('in S3 the killed upload stored no object under its backup: its multipart upload was never completed', async () => {
    const objects = await s3().client.send(new ListObjectsV2Command({ Bucket: 'killed-backups', Prefix: 'nightly/' }));
    const folders = new Set((objects.Contents ?? []).map((object) => object.Key!.split('/')[2]).filter((id) => /^\d{8}T/.test(id)));
    expect(folders.size).toBe(2);
  });
});
