import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { useAzurite } from '../support/azurite';
import { usePostgres } from '../support/postgres';
import { useS3 } from '../support/s3';
import { seedShopDatabase } from './support/backup-fixtures';
import { runPgBackup, startPgBackup, type PgBackupProcess, type PgBackupRun } from './support/pg-backup-process';

/** The runner's log line once the snapshot is exported: from here on the dump's data is fixed. */
const SNAPSHOT_TAKEN = /"msg":"dump started"/;

/**
 * A PG_BIN_DIR of the real tools whose pg_dump, when the runner starts it on its exported snapshot, waits until the
 * file `release` exists: the dump's data is fixed, and nothing of it has reached the store.
 */
function binDirHeldAfterSnapshot(realBinDir: string, release: string): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-held-bin-'));
  for (const tool of fs.readdirSync(realBinDir)) {
    if (tool !== 'pg_dump') fs.symlinkSync(path.join(realBinDir, tool), path.join(directory, tool));
  }
  const quote = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;
  fs.writeFileSync(path.join(directory, 'pg_dump'), [
    '#!/bin/sh',
    `case "$*" in *--snapshot=*) while [ ! -e ${quote(release)} ]; do sleep 0.02; done ;; esac`,
    `exec ${quote(path.join(realBinDir, 'pg_dump'))} "$@"`,
    '',
  ].join('\n'), { mode: 0o755 });
  return directory;
}

/** Twenty-four runs of the CLI, many at once, on a machine that may be busy. */
const ALL_RUNS_MS = 600_000;

/**
 * Two dumps of one database into one location that overlap. Each dump is held still right after its snapshot is
 * taken, by a pg_dump that waits before it starts: a real slow dump, whose runner waits for data with no request to
 * the store in flight. So the test decides which of them finishes first, however fast the machine.
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

  /** What one pair of overlapping dumps did, and what the store and verify said afterwards. */
  interface Overlap {
    readonly older: PgBackupRun;
    readonly newer: PgBackupRun;
    /** What `latest` names between the two finishing (for the newer finishing last). */
    readonly latestBetween?: string;
    /** The pointer at the end. */
    readonly latest: { backupId: string; snapshotAt: string };
    /** `verify --backup <older>`. */
    readonly verifyOlder: PgBackupRun;
    /** `verify --latest`. */
    readonly verifyLatest: PgBackupRun;
  }

  type Store = (typeof stores)[number];
  const cliEnv = (store: Store) => ({ PG_BIN_DIR: pg().binDir, ...store.env() });
  const dumpArgs = (store: Store, prefix: string) => ['dump', '--database-url', pg().url('ledger'), '--to', store.uri(prefix)];

  /** Starts a dump whose pg_dump waits once the snapshot is taken; `resume` lets it go on. */
  async function dumpHeldAfterSnapshot(store: Store, prefix: string): Promise<PgBackupProcess & { resume(): void }> {
    const release = path.join(fileRoot, `release-${Math.random().toString(16).slice(2)}`);
    const dump = startPgBackup(dumpArgs(store, prefix), { ...cliEnv(store), PG_BIN_DIR: binDirHeldAfterSnapshot(pg().binDir, release) });
    await dump.waitForStderr(SNAPSHOT_TAKEN);
    return { ...dump, resume: () => fs.writeFileSync(release, '') };
  }

  /** Both backups verified: the older by its id, the newer as the one `--latest` takes. */
  async function verifyBoth(store: Store, prefix: string, older: PgBackupRun) {
    const verify = (selection: string[]) => runPgBackup(['verify', '--from', store.uri(prefix), ...selection, '--target-url', pg().url()], cliEnv(store));
    const [verifyOlder, verifyLatest] = await Promise.all([verify(['--backup', older.result.backupId]), verify(['--latest'])]);
    return { verifyOlder, verifyLatest, latest: JSON.parse(await store.latest(prefix)) };
  }

  /** The older snapshot finishes last: a dump held after its snapshot while a whole second dump runs. */
  async function olderFinishingLast(store: Store): Promise<Overlap> {
    const prefix = `${store.kind}-older-last`;
    const held = await dumpHeldAfterSnapshot(store, prefix);
    const newer = await runPgBackup(dumpArgs(store, prefix), cliEnv(store));
    held.resume();
    const older = await held.done;
    return { older, newer, ...(await verifyBoth(store, prefix, older)) };
  }

  /** The newer snapshot finishes last: both held after their snapshots, the older let go first. */
  async function newerFinishingLast(store: Store): Promise<Overlap> {
    const prefix = `${store.kind}-newer-last`;
    const heldOlder = await dumpHeldAfterSnapshot(store, prefix);
    const heldNewer = await dumpHeldAfterSnapshot(store, prefix);
    heldOlder.resume();
    const older = await heldOlder.done;
    const latestBetween = JSON.parse(await store.latest(prefix)).backupId as string;
    heldNewer.resume();
    const newer = await heldNewer.done;
    return { older, newer, latestBetween, ...(await verifyBoth(store, prefix, older)) };
  }

  // Every store and both orders run at once: each pair writes under a prefix of its own, and the processes wait
  // on each other far more than they use the processor.
  const overlaps: Record<string, Promise<{ olderLast: Overlap; newerLast: Overlap }>> = {};
  beforeAll(() => {
    for (const store of stores) {
      const olderLast = olderFinishingLast(store);
      const newerLast = newerFinishingLast(store);
      overlaps[store.kind] = Promise.all([olderLast, newerLast]).then(([a, b]) => ({ olderLast: a, newerLast: b }));
      // Settled here so one failing store does not surface as an unhandled rejection before its test reads it.
      overlaps[store.kind].catch(() => undefined);
    }
  });

  describe.each(stores)('in $kind', ({ kind }) => {
    test('the older snapshot finishing last leaves latest on the newer one, and both backups verify', async () => {
      const { older, newer, latest, verifyOlder, verifyLatest } = (await overlaps[kind]).olderLast;
      expect(newer).toMatchObject({ exitCode: 0, result: { ok: true, latestMoved: true } });
      expect(older).toMatchObject({ exitCode: 0, result: { ok: true, latest: newer.result.backupId, latestMoved: false } });
      expect(Date.parse(older.result.snapshotAt)).toBeLessThan(Date.parse(newer.result.snapshotAt));
      expect(latest).toMatchObject({ backupId: newer.result.backupId, snapshotAt: newer.result.snapshotAt });
      expect(verifyOlder).toMatchObject({ exitCode: 0, result: { ok: true, backupId: older.result.backupId, rowCountsCompared: true } });
      expect(verifyLatest).toMatchObject({ exitCode: 0, result: { ok: true, backupId: newer.result.backupId, rowCountsCompared: true } });
    }, ALL_RUNS_MS);

    test('the newer snapshot finishing last moves latest on to it, and both backups verify', async () => {
      const { older, newer, latestBetween, latest, verifyOlder, verifyLatest } = (await overlaps[kind]).newerLast;
      expect(older).toMatchObject({ exitCode: 0, result: { ok: true, latestMoved: true } });
      expect(latestBetween).toBe(older.result.backupId);
      expect(newer).toMatchObject({ exitCode: 0, result: { ok: true, latest: newer.result.backupId, latestMoved: true } });
      expect(Date.parse(older.result.snapshotAt)).toBeLessThan(Date.parse(newer.result.snapshotAt));
      expect(latest.backupId).toBe(newer.result.backupId);
      expect(verifyOlder).toMatchObject({ exitCode: 0, result: { ok: true, backupId: older.result.backupId, rowCountsCompared: true } });
      expect(verifyLatest).toMatchObject({ exitCode: 0, result: { ok: true, backupId: newer.result.backupId, rowCountsCompared: true } });
    }, ALL_RUNS_MS);
  });
});
