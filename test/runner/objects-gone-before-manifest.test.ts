import { DeleteObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { usePostgres } from '../support/postgres';
import { useS3 } from '../support/s3';
import { seedShopDatabase } from './support/backup-fixtures';
import { runPgBackup, startPgBackup } from './support/pg-backup-process';
import { startTcpProxy } from './support/tcp-proxy';

/** A few runs of the CLI, on a machine that may be busy. */
const SLOW_TEST_MS = 300_000;

/**
 * An object of a running dump deleted after it was stored (a prune with a --grace shorter than the dump, a lifecycle
 * rule): the dump writes no manifest over the incomplete backup, latest stays on the earlier one, and it fails saying
 * which object is gone and why that happens.
 */
describe('a dump whose stored object is deleted before its manifest is written', () => {
  const pg = usePostgres();
  const s3 = useS3({ buckets: ['gone-backups'] });
  const uri = 's3://gone-backups/nightly';

  beforeAll(async () => {
    await seedShopDatabase(pg(), 'till');
  });

  test('fails naming the object, writes no manifest and leaves latest on the earlier backup', async () => {
    const earlier = await runPgBackup(['dump', '--database-url', pg().url('till'), '--to', uri], { PG_BIN_DIR: pg().binDir, ...s3().env });
    expect(earlier.exitCode).toBe(0);
    // The dump lists its database's backups (to classify the new one) once its objects are stored: held there, the
    // dump object is deleted, as a prune of abandoned folders would.
    const proxy = await startTcpProxy(s3().port, { holdAt: /GET \/gone-backups\/?\?[^ ]*list-type=2/ });
    const dump = startPgBackup(['dump', '--database-url', pg().url('till'), '--to', uri], {
      PG_BIN_DIR: pg().binDir, ...s3().env, AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${proxy.port}`,
    });
    await proxy.whenHeld;
    const folders = await s3().client.send(new ListObjectsV2Command({ Bucket: 'gone-backups', Prefix: 'nightly/till/' }));
    const running = (folders.Contents ?? []).map((object) => object.Key!).find((key) => /dump\.pgdump/.test(key) && !key.includes(earlier.result.backupId));
    expect(running).toBeDefined();
    await s3().client.send(new DeleteObjectCommand({ Bucket: 'gone-backups', Key: running! }));
    proxy.release();
    const run = await dump.done;
    await proxy.cut();

    expect(run).toMatchObject({ exitCode: 1, result: { ok: false, metrics: { BackupFailed: 1, BackupSucceeded: 0 } } });
    expect(run.result.error).toMatch(new RegExp('^1 of the 1 object\\(s\\) of backup \\S+ stored in s3://gone-backups at \\S+/nightly/till/\\S+/ are gone since '
      + '\\(dump\\.pgdump\\.zst\\): deleted while the dump ran, by a prune whose --grace is shorter than the dump, a lifecycle rule or a person; '
      + 'refusing to write a manifest over an incomplete backup .*no manifest was written and latest is unchanged'));
    const list = await runPgBackup(['list', '--from', uri], s3().env);
    expect(list.result.backups.map((backup: { backupId: string }) => backup.backupId)).toEqual([earlier.result.backupId]);
    const verify = await runPgBackup(['verify', '--from', uri, '--latest', '--target-url', pg().url()], { PG_BIN_DIR: pg().binDir, ...s3().env });
    expect(verify).toMatchObject({ exitCode: 0, result: { ok: true, backupId: earlier.result.backupId } });
  }, SLOW_TEST_MS);
});
