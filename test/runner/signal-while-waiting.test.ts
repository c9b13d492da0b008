import { usePostgres } from '../support/postgres';
import { useS3 } from '../support/s3';
import { seedShopDatabase } from './support/backup-fixtures';
import { runPgBackup, startPgBackup } from './support/pg-backup-process';
import { startTcpProxy } from './support/tcp-proxy';

/** A few runs of the CLI a test, on a machine that may be busy. */
const SLOW_TEST_MS = 300_000;

/**
 * A SIGTERM (what ECS sends 30 s before SIGKILL) that arrives while the runner waits on the store, before its next step
 * began: the run stops there, starts no tool and creates no database, says it was interrupted and exits 143 with the
 * failure metric, instead of going on to the end and then reporting the interruption.
 */
describe('a SIGTERM that arrives while the runner waits on the store', () => {
  const pg = usePostgres();
  const s3 = useS3({ buckets: ['term-backups'] });
  const uri = 's3://term-backups/nightly';
  let backupId: string;

  beforeAll(async () => {
    await seedShopDatabase(pg(), 'till');
    const dump = await runPgBackup(['dump', '--database-url', pg().url('till'), '--to', uri], { PG_BIN_DIR: pg().binDir, ...s3().env });
    expect(dump.exitCode).toBe(0);
    backupId = dump.result.backupId;
  });

  /** Runs the command through a proxy that holds its read of the manifest, sends SIGTERM meanwhile, then lets the read go on. */
  async function interruptedWhileReadingManifest(args: string[]) {
    const proxy = await startTcpProxy(s3().port, { holdAt: /GET \S*\/manifest\.json/ });
    const run = startPgBackup([...args, '--log-level', 'debug'], {
      PG_BIN_DIR: pg().binDir, ...s3().env, AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${proxy.port}`,
    });
    await proxy.whenHeld;
    const stopping = run.waitForStderr(/interrupted by SIGTERM: stopping/);
    run.child.kill('SIGTERM');
    await stopping;
    proxy.release();
    const done = await run.done;
    await proxy.cut();
    return done;
  }

  test('restore stops before it creates the target database or starts pg_restore', async () => {
    const run = await interruptedWhileReadingManifest(['restore', '--from', uri, '--backup', backupId, '--target-url', pg().url('restored_after_term')]);
    expect(run).toMatchObject({ exitCode: 143, result: { ok: false, error: 'interrupted by SIGTERM', metrics: { RestoreFailed: 1, RestoreSucceeded: 0 } } });
    expect(run.stderr).not.toMatch(/pg_restore:|created it/);
    expect(await pg().query("SELECT datname FROM pg_database WHERE datname = 'restored_after_term'")).toEqual([]);
  }, SLOW_TEST_MS);

  test('verify stops before pg_restore restores anything, and leaves no scratch database', async () => {
    const run = await interruptedWhileReadingManifest(['verify', '--from', uri, '--backup', backupId, '--target-url', pg().url()]);
    expect(run).toMatchObject({ exitCode: 143, result: { ok: false, error: 'interrupted by SIGTERM', metrics: { VerifyFailed: 1, VerifySucceeded: 0 } } });
    expect(run.stderr).not.toMatch(/pg_restore: (processing data|creating)/);
    expect(await pg().query("SELECT datname FROM pg_database WHERE datname LIKE 'pg_backup_verify_%'")).toEqual([]);
  }, SLOW_TEST_MS);

  test('dump, held while it reads latest, starts no pg_dump after the signal and leaves latest on the earlier backup', async () => {
    const proxy = await startTcpProxy(s3().port, { holdAt: /GET \S*\/latest/ });
    const dump = startPgBackup(['dump', '--database-url', pg().url('till'), '--to', uri, '--log-level', 'debug'], {
      PG_BIN_DIR: pg().binDir, ...s3().env, AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${proxy.port}`,
    });
    await proxy.whenHeld;
    const stopping = dump.waitForStderr(/interrupted by SIGTERM: stopping/);
    dump.child.kill('SIGTERM');
    await stopping;
    proxy.release();
    const run = await dump.done;
    await proxy.cut();
    expect(run).toMatchObject({ exitCode: 143, result: { ok: false, metrics: { BackupFailed: 1, BackupSucceeded: 0 } } });
    expect(run.result.error).toMatch(/^interrupted by SIGTERM/);
    const afterSignal = run.stderr.slice(run.stderr.indexOf('interrupted by SIGTERM: stopping'));
    expect(afterSignal).not.toMatch(/pg_dump: (dumping contents|reading)/);
    const list = await runPgBackup(['list', '--from', uri], s3().env);
    expect(list.result.backups.map((backup: { backupId: string }) => backup.backupId)).toEqual([backupId]);
  }, SLOW_TEST_MS);
});
