import { classifyBackup } from '../../src/core';
import { parseBackupLocation } from '../../src/runner/backup-location';
import { openBackupStore } from '../../src/runner/open-backup-store';
import { backupIdAt } from '../support/gfs-calendar';
import { useS3 } from '../support/s3';
import { manifestAt } from './support/backup-fixtures';
import { runPgBackup, startPgBackup } from './support/pg-backup-process';
import { startTcpProxy } from './support/tcp-proxy';

const DAY_MS = 86_400_000;
/** A few runs of the CLI, on a machine that may be busy. */
const SLOW_TEST_MS = 300_000;


/**
 * A prune that gets SIGTERM (what ECS sends 30 s before SIGKILL) while it deletes: it finishes the backup folder it is
 * deleting, begins no other, and says what it deleted and what it left, instead of going on to the end and then
 * reporting only that it was interrupted.
 */
describe('a prune interrupted while it deletes', () => {
  const s3 = useS3({ buckets: ['prune-term'] });
  const uri = 's3://prune-term/nightly';
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  let seeded: string[];

  beforeAll(async () => {
    // The in-process store's AWS SDK reads its region and credentials from the process environment.
    const { AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY } = s3().env;
    Object.assign(process.env, { AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY });
    // Ten nightly backups of ledger, written as a dump writes them: its object, then its manifest.
    const location = parseBackupLocation(uri, '--from');
    const tuning = { partSizeBytes: 5 * 1024 * 1024, concurrency: 2 };
    const store = await openBackupStore(location, { tuning }, { ...process.env, ...s3().env });
    const dump = Buffer.from('PGDMP not a real archive, only listed and deleted');
    const times = Array.from({ length: 10 }, (_, index) => new Date(today - (10 - index) * DAY_MS + 2 * 3600_000));
    try {
      for (const [index, at] of times.entries()) {
        const manifest = manifestAt('ledger', at, classifyBackup(at, times.slice(0, index)), dump);
        await store.putBytes(`nightly/ledger/${manifest.backupId}/dump.pgdump`, dump);
        await store.putBytes(`nightly/ledger/${manifest.backupId}/manifest.json`, Buffer.from(JSON.stringify(manifest)));
      }
    } finally {
      store.close();
    }
    seeded = times.map((at) => backupIdAt(at.getTime()));
  });
  afterAll(() => {
    for (const name of ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) delete process.env[name];
  });

  test('finishes the folder it is deleting, begins no other, says which it deleted and which it left, and exits 143', async () => {
    const proxy = await startTcpProxy(s3().port, { holdAt: /DELETE \S*\/manifest\.json/ });
    const prune = startPgBackup(['prune', '--from', uri, '--rpo', '3d', '--daily', '2', '--weekly', '0', '--monthly', '0', '--minimum-kept', '2'], {
      ...s3().env, AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${proxy.port}`,
    });
    await proxy.whenHeld;
    const stopping = prune.waitForStderr(/interrupted by SIGTERM: stopping/);
    prune.child.kill('SIGTERM');
    await stopping;
    proxy.release();
    const run = await prune.done;
    await proxy.cut();

    // The oldest backup was being deleted (manifest first) when the signal came; the next seven were never begun.
    const [first, ...rest] = seeded.slice(0, 8);
    expect(run).toMatchObject({ exitCode: 143, result: { ok: false, metrics: { PruneFailed: 1, PruneSucceeded: 0 } } });
    expect(run.result.error).toBe(`interrupted by SIGTERM during prune: it deleted 1 backup folder(s) whole: ledger/${first}, and left 7 it meant to delete `
      + `untouched: ${rest.map((backupId) => `ledger/${backupId}`).join(', ')}; the next prune deletes them`);
    const list = await runPgBackup(['list', '--from', uri], s3().env);
    expect(list.result.backups.map((backup: { backupId: string }) => backup.backupId)).toEqual(seeded.slice(1));
    expect(list.result.broken).toEqual([]);
  }, SLOW_TEST_MS);
});
