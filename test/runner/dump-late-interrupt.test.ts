import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { usePostgres } from '../support/postgres';
import { useS3 } from '../support/s3';
import { seedShopDatabase } from './support/backup-fixtures';
import { startPgBackup, type PgBackupRun } from './support/pg-backup-process';
import { startTcpProxy } from './support/tcp-proxy';

/**
 * A SIGTERM that arrives once the dump is stored, while the manifest or `latest` is being written (the store holds
 * that request until the runner has taken the signal): the run exits 143 and its message says what the backup was
 * left as, which the store then shows.
 */
describe('a dump interrupted after its data is stored says what it left behind', () => {
  const pg = usePostgres();
  const s3 = useS3({ buckets: ['late-backups'] });

  beforeAll(async () => {
    await seedShopDatabase(pg(), 'depot');
  });

  /** Runs a dump whose request matching `holdAt` is held while the runner is sent SIGTERM, then let through. */
  async function interruptedAt(prefix: string, holdAt: RegExp): Promise<PgBackupRun> {
    const proxy = await startTcpProxy(s3().port, { holdAt });
    const dump = startPgBackup(['dump', '--database-url', pg().url('depot'), '--to', `s3://late-backups/${prefix}`],
      { PG_BIN_DIR: pg().binDir, ...s3().env, AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${proxy.port}` });
    await proxy.whenHeld;
    const stopping = dump.waitForStderr(/interrupted by SIGTERM: stopping/);
    dump.child.kill('SIGTERM');
    await stopping;
    proxy.release();
    const run = await dump.done;
    await proxy.cut();
    return run;
  }

  async function keys(prefix: string): Promise<string[]> {
    const page = await s3().client.send(new ListObjectsV2Command({ Bucket: 'late-backups', Prefix: `${prefix}/` }));
    return (page.Contents ?? []).map((object) => object.Key!.slice(prefix.length + 1)).sort();
  }

  test('while the manifest is written: the backup is complete, latest was not moved, and the message says both', async () => {
    const run = await interruptedAt('at-manifest', /PUT \S*\/manifest\.json/);
    expect(run).toMatchObject({ exitCode: 143, result: { ok: false, metrics: { BackupFailed: 1 } } });
    const backupId = /backup (\S+) was complete/.exec(run.result.error)?.[1];
    expect(run.result.error).toBe(`interrupted by SIGTERM after backup ${backupId} was complete (at-manifest/depot/${backupId}/manifest.json was written; `
      + `verify or restore it with --backup ${backupId}), before latest was moved: latest is unchanged`);
    expect(await keys('at-manifest')).toEqual([`depot/${backupId}/dump.pgdump.zst`, `depot/${backupId}/manifest.json`]);
  });

  test('while latest is written: the backup is complete, latest names it, and the message says nothing was left undone', async () => {
    const run = await interruptedAt('at-latest', /PUT \S*\/latest/);
    expect(run).toMatchObject({ exitCode: 143, result: { ok: false } });
    const backupId = /backup (\S+) was complete/.exec(run.result.error)?.[1];
    expect(run.result.error).toBe(`interrupted by SIGTERM after backup ${backupId} was complete (at-latest/depot/${backupId}/manifest.json was written) `
      + 'and latest was moved to it: nothing was left undone');
    const latest = await s3().client.send(new GetObjectCommand({ Bucket: 'late-backups', Key: 'at-latest/depot/latest' }));
    expect(JSON.parse(await latest.Body!.transformToString())).toMatchObject({ backupId });
  });
});
