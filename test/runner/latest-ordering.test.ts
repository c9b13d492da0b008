import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { useAzurite } from '../support/azurite';
import { usePostgres } from '../support/postgres';
import { useS3 } from '../support/s3';
import { seedShopDatabase } from './support/backup-fixtures';
import { runPgBackup, startPgBackup, type PgBackupProcess } from './support/pg-backup-process';

/** The runner's log line once the snapshot is exported: from here on the dump's data is fixed. */
const SNAPSHOT_TAKEN = /"msg":"dump started"/;

/** The pid of the `pg_dump` a runner process started, once it runs. */
async function pgDumpChildOf(runnerPid: number): Promise<number> {
  for (;;) {
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue; // the process ended while the list was read
      }
      // pid (comm) state ppid …
      const match = /^\d+ \((.*)\) \S+ (\d+)/.exec(stat);
      if (match && match[1] === 'pg_dump' && Number(match[2]) === runnerPid) return Number(entry);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Five runs of the CLI a test, on a machine that may be busy. */
const FIVE_RUNS_MS = 600_000;

/**
 * Two dumps of one database into one location that overlap. Each dump is held still by stopping its
 * pg_dump (SIGSTOP) right after the snapshot is taken: a real slow dump, whose runner waits for data with
 * no request to the store in flight. So the test decides which of them finishes first.
 */
describe('latest only ever moves to a backup with a newer snapshot', () => {
  const pg = usePostgres();
  const s3 = useS3({ buckets: ['ordering-backups'] });
  const azure = useAzurite();
  const fileRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-ordering-'));

  beforeAll(async () => {
    await seedShopDatabase(pg(), 'ledger');
    await azure().createContainer('ordering');
  });
  afterAll(() => fs.rmSync(fileRoot, { recursive: true, force: true }));

  const stores = [
    {
      kind: 'file',
      uri: (prefix: string) => `file://${path.join(fileRoot, prefix)}`,
      env: () => ({}),
      latest: async (prefix: string) => fs.promises.readFile(path.join(fileRoot, prefix, 'ledger', 'latest'), 'utf8'),
    },
    {
      kind: 's3',
      uri: (prefix: string) => `s3://ordering-backups/${prefix}`,
      env: () => s3().env,
      latest: async (prefix: string) => {
        const object = await s3().client.send(new GetObjectCommand({ Bucket: 'ordering-backups', Key: `${prefix}/ledger/latest` }));
        return object.Body!.transformToString();
      },
    },
    {
      kind: 'azblob',
      uri: (prefix: string) => `azblob://${azure().account}/ordering/${prefix}`,
      env: () => azure().env,
      latest: async (prefix: string) =>
        (await azure().client.getContainerClient('ordering').getBlobClient(`${prefix}/ledger/latest`).downloadToBuffer()).toString('utf8'),
    },
  ];

  describe.each(stores)('in $kind', ({ kind, uri, env, latest }) => {
    const cliEnv = () => ({ PG_BIN_DIR: pg().binDir, ...env() });
    const startDump = (prefix: string) => startPgBackup(['dump', '--database-url', pg().url('ledger'), '--to', uri(prefix)], cliEnv());

    /** Starts a dump and holds its pg_dump still once the snapshot is taken; `resume` lets it go on. */
    async function dumpHeldAfterSnapshot(prefix: string): Promise<PgBackupProcess & { resume(): void }> {
      const dump = startDump(prefix);
      await dump.waitForStderr(SNAPSHOT_TAKEN);
      const pgDump = await pgDumpChildOf(dump.child.pid!);
      process.kill(pgDump, 'SIGSTOP');
      return { ...dump, resume: () => process.kill(pgDump, 'SIGCONT') };
    }

    async function expectBothVerify(prefix: string, older: string, newer: string) {
      for (const backupId of [older, newer]) {
        const verify = await runPgBackup(['verify', '--from', uri(prefix), '--backup', backupId, '--target-url', pg().url()], cliEnv());
        expect(verify).toMatchObject({ exitCode: 0, result: { ok: true, backupId, rowCountsCompared: true } });
      }
      const newest = await runPgBackup(['verify', '--from', uri(prefix), '--latest', '--target-url', pg().url()], cliEnv());
      expect(newest).toMatchObject({ exitCode: 0, result: { ok: true, backupId: newer } });
    }

    test('the older snapshot finishing last leaves latest on the newer one', async () => {
      const prefix = `${kind}-older-last`;
      const older = await dumpHeldAfterSnapshot(prefix);
      const newer = await runPgBackup(['dump', '--database-url', pg().url('ledger'), '--to', uri(prefix)], cliEnv());
      expect(newer).toMatchObject({ exitCode: 0, result: { ok: true, latestMoved: true } });
      older.resume();
      const olderRun = await older.done;

      expect(olderRun).toMatchObject({ exitCode: 0, result: { ok: true, latest: newer.result.backupId, latestMoved: false } });
      expect(Date.parse(olderRun.result.snapshotAt)).toBeLessThan(Date.parse(newer.result.snapshotAt));
      expect(JSON.parse(await latest(prefix))).toMatchObject({ backupId: newer.result.backupId, snapshotAt: newer.result.snapshotAt });
      await expectBothVerify(prefix, olderRun.result.backupId, newer.result.backupId);
    }, FIVE_RUNS_MS);

    test('the newer snapshot finishing last moves latest on to it', async () => {
      const prefix = `${kind}-newer-last`;
      const older = await dumpHeldAfterSnapshot(prefix);
      const newer = await dumpHeldAfterSnapshot(prefix);
      older.resume();
      const olderRun = await older.done;
      expect(olderRun).toMatchObject({ exitCode: 0, result: { ok: true, latestMoved: true } });
      expect(JSON.parse(await latest(prefix)).backupId).toBe(olderRun.result.backupId);
      newer.resume();
      const newerRun = await newer.done;

      expect(newerRun).toMatchObject({ exitCode: 0, result: { ok: true, latest: newerRun.result.backupId, latestMoved: true } });
      expect(Date.parse(olderRun.result.snapshotAt)).toBeLessThan(Date.parse(newerRun.result.snapshotAt));
      expect(JSON.parse(await latest(prefix)).backupId).toBe(newerRun.result.backupId);
      await expectBothVerify(prefix, olderRun.result.backupId, newerRun.result.backupId);
    }, FIVE_RUNS_MS);
  });
});
