import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetObjectTaggingCommand } from '@aws-sdk/client-s3';
import { classifyBackup } from '../../src/core';
import { parseBackupLocation } from '../../src/runner/backup-location';
import { openBackupStore } from '../../src/runner/open-backup-store';
import { useAzurite } from '../support/azurite';
import { backupIdAt, expectedGfsSet, type HistoricDump } from '../support/gfs-calendar';
import { usePostgres } from '../support/postgres';
import { useS3 } from '../support/s3';
import { manifestAt } from './support/backup-fixtures';
import { cli } from './support/in-process-cli';

const DAY_MS = 86_400_000;
const RETENTION = { daily: 5, weekly: 3, monthly: 2, yearly: 1, minimumKept: 3 };
const RETENTION_FLAGS = ['--daily', '5', '--weekly', '3', '--monthly', '2', '--yearly', '1', '--minimum-kept', '3'];
/** Days before today (UTC) with a nightly dump: six weeks with a three-day and a week-long gap. */
const HISTORY_DAYS = Array.from({ length: 45 }, (_, index) => index + 1).filter((day) => ![3, 4, 5, 12, 13, 14, 15, 16, 17, 18].includes(day));


describe('pg-backup prune on a real store keeps exactly the grandfather-father-son set and the floor', () => {
  const pg = usePostgres();
  const s3 = useS3({ buckets: ['prune-backups', 'prune-offsite'] });
  const azure = useAzurite();
  const fileRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-prune-'));
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;

  beforeAll(async () => {
    await pg().createDatabase('ledger');
    await pg().query('CREATE TABLE entries (id int); INSERT INTO entries SELECT generate_series(1, 100); ANALYZE;', 'ledger');
    await azure().createContainer('prune');
    await azure().createContainer('prune-offsite');
    // The in-process runner's AWS SDK reads its region and credentials from the process environment.
    const { AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY } = s3().env;
    Object.assign(process.env, { AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY });
  });
  afterAll(() => {
    for (const name of ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) delete process.env[name];
    fs.rmSync(fileRoot, { recursive: true, force: true });
  });

  const stores = [
    { kind: 'file', uri: (prefix: string) => `file://${path.join(fileRoot, prefix)}`, env: (): Record<string, string> => ({}) },
    { kind: 's3', uri: (prefix: string) => `s3://prune-backups/${prefix}`, env: () => s3().env },
    { kind: 'azblob', uri: (prefix: string) => `azblob://${azure().account}/prune/${prefix}`, env: () => azure().env },
  ];
  type Store = (typeof stores)[number];

  /** Writes backups of `database` taken at 02:00 UTC on each of `days` before today, each classified against the ones before it. */
  async function seedHistory(store: Store, prefix: string, database: string, days: readonly number[]): Promise<HistoricDump[]> {
    const location = parseBackupLocation(store.uri(prefix), '--from');
    const tuning = { partSizeBytes: 5 * 1024 * 1024, concurrency: 2 };
    const backups = await openBackupStore(location, { tuning }, { ...process.env, ...store.env() });
    const keyPrefix = location.kind === 'file' ? '' : `${location.prefix}/`;
    const times = [...days].sort((a, b) => b - a).map((day) => new Date(today - day * DAY_MS + 2 * 3600_000));
    const dump = Buffer.from('PGDMP not a real archive, only listed and deleted');
    try {
      for (const [index, at] of times.entries()) {
        const manifest = manifestAt(database, at, classifyBackup(at, times.slice(0, index)), dump);
        await backups.putBytes(`${keyPrefix}${database}/${manifest.backupId}/dump.pgdump`, dump);
        await backups.putBytes(`${keyPrefix}${database}/${manifest.backupId}/manifest.json`, Buffer.from(JSON.stringify(manifest)));
      }
    } finally {
      backups.close();
    }
    return times.map((at) => ({ backupId: backupIdAt(at.getTime()), at }));
  }

  async function listed(store: Store, prefix: string): Promise<string[]> {
    const run = await cli(['list', '--from', store.uri(prefix)], store.env());
    expect(run.exitCode).toBe(0);
    return run.results[0].backups.map((backup: { backupId: string }) => backup.backupId).sort();
  }

  const prune = (store: Store, prefix: string, extra: string[] = []) =>
    cli(['prune', '--from', store.uri(prefix), '--rpo', '26h', ...RETENTION_FLAGS, ...extra], store.env());

  test.each(stores)('$kind: six weeks of nightly dumps with gaps, then a real dump: prune leaves exactly the GFS set and reports what it deleted', async (store) => {
    const history = await seedHistory(store, 'gfs', 'ledger', HISTORY_DAYS);
    const dump = await cli(['dump', '--database-url', pg().url('ledger'), '--to', store.uri('gfs')], { PG_BIN_DIR: pg().binDir, ...store.env() });
    expect(dump.exitCode).toBe(0);
    const real = dump.results[0];
    // The real dump is the first of today, so daily; it is classified against the history it finds.
    expect(real.retentionClasses).toEqual(classifyBackup(new Date(real.snapshotAt), history.map((entry) => entry.at)));
    const all = [...history, { backupId: real.backupId, at: new Date(real.snapshotAt) }];
    const expected = expectedGfsSet(all, RETENTION);

    const dryRun = await prune(store, 'gfs', ['--dry-run']);
    expect(dryRun.exitCode).toBe(0);
    expect(dryRun.results[0].databases[0]).toMatchObject({ database: 'ledger', deleted: [] });
    expect(await listed(store, 'gfs')).toEqual(all.map((entry) => entry.backupId).sort());

    const run = await prune(store, 'gfs');
    expect(run.exitCode).toBe(0);
    const [result] = run.results[0].databases;
    expect(result.kept.map((kept: { backupId: string }) => kept.backupId).sort()).toEqual(expected);
    expect([...result.deleted].sort()).toEqual(all.map((entry) => entry.backupId).filter((id) => !expected.includes(id)).sort());
    expect(result.deleted).toEqual(dryRun.results[0].databases[0].delete);
    expect(run.results[0]).toMatchObject({ command: 'prune', ok: true, halted: [], deletedBackups: result.deleted.length });
    expect(result.deleted.length).toBeGreaterThan(15);
    expect(await listed(store, 'gfs')).toEqual(expected);
    // Nothing of a deleted backup is left behind: no partial folder appears.
    const status = await cli(['status', '--from', store.uri('gfs')], store.env());
    expect(status.results[0].databases[0]).toMatchObject({ complete: expected.length, partial: [], broken: [] });
    // The newest backup is the one latest names, and it verifies after the prune.
    const verify = await cli(['verify', '--from', store.uri('gfs'), '--latest', '--target-url', pg().url()], { PG_BIN_DIR: pg().binDir, ...store.env() });
    expect(verify.results[0]).toMatchObject({ ok: true, backupId: real.backupId });
  });

  test('azblob: an offsite replica, whose blobs carry no backup-class tags (object replication does not copy them), is pruned to exactly the GFS set from the manifests', async () => {
    const store = stores[2];
    // seedHistory writes blobs as object replication leaves them in the destination: contents and metadata, no index tags.
    const history = await seedHistory(store, 'replica', 'ledger', HISTORY_DAYS);
    const container = azure().client.getContainerClient('prune');
    expect((await container.getBlobClient(`replica/ledger/${history[0].backupId}/manifest.json`).getTags()).tags).toEqual({});
    // The newest seeded dump is yesterday's: an RPO of 3 days lets the prune run at any hour of today.
    const run = await cli(['prune', '--from', store.uri('replica'), '--rpo', '72h', ...RETENTION_FLAGS], store.env());
    expect(run.exitCode).toBe(0);
    const expected = expectedGfsSet(history, RETENTION);
    expect(run.results[0].databases[0].kept.map((kept: { backupId: string }) => kept.backupId).sort()).toEqual(expected);
    expect(await listed(store, 'replica')).toEqual(expected);
  });

  /** The offsite copy of each object store: another bucket, or another container (Azurite serves one account). */
  const replicaUri = (store: Store, prefix: string): string => (store.kind === 's3'
    ? `s3://prune-offsite/${prefix}`
    : store.kind === 'azblob' ? `azblob://${azure().account}/prune-offsite/${prefix}` : `file://${path.join(fileRoot, 'offsite', prefix)}`);
  const asReplica = (store: Store, prefix: string): Store => ({ ...store, uri: () => replicaUri(store, prefix) });

  /** Writes an object under a location, as replication leaves it. */
  async function putObject(store: Store, key: string, data: Buffer): Promise<void> {
    const location = parseBackupLocation(store.uri(''), '--from');
    const tuning = { partSizeBytes: 5 * 1024 * 1024, concurrency: 2 };
    const backups = await openBackupStore(location, { tuning }, { ...process.env, ...store.env() });
    try {
      await backups.putBytes(`${location.kind === 'file' ? '' : `${location.prefix}/`}${key}`, data);
    } finally {
      backups.close();
    }
  }

  test.each(stores.slice(1))('$kind: --replica prunes an offsite copy lagging behind the source to its own GFS set, '
    + 'keeping what its latest names and what is still arriving', async (store) => {
    const prefix = `lagging-${store.kind}`;
    const history = await seedHistory(store, prefix, 'ledger', HISTORY_DAYS);
    const replica = asReplica(store, prefix);
    // The replica lags a day: yesterday's dump has only its dump object there, its manifest is still on the way.
    const replicated = await seedHistory(replica, '', 'ledger', HISTORY_DAYS.filter((day) => day !== 1));
    const arriving = history[history.length - 1].backupId;
    expect(replicated.map((entry) => entry.backupId)).not.toContain(arriving);
    await putObject(replica, `ledger/${arriving}/dump.pgdump`, Buffer.from('PGDMP'));
    // A failed dump's folder that was replicated before the source's prune removed it: the source has no such backup.
    const failed = backupIdAt(Date.now() - 30 * 3600_000, '0000dead');
    await putObject(replica, `ledger/${failed}/dump.pgdump`, Buffer.from('PGDMP'));
    // The replica's latest names an old backup the classes let go (the pointer was replicated out of order).
    const expectedAtReplica = expectedGfsSet(replicated, RETENTION);
    const named = replicated.find((entry) => !expectedAtReplica.includes(entry.backupId))!.backupId;
    await putObject(replica, 'ledger/latest', Buffer.from(JSON.stringify({ backupId: named, finishedAt: new Date().toISOString() })));

    const run = await cli(['prune', '--from', store.uri(prefix), '--replica', replica.uri(''), '--rpo', '72h', '--grace', '1h', ...RETENTION_FLAGS],
      store.env());
    expect(run.results[0].error).toBeUndefined();
    expect(run.exitCode).toBe(0);
    const expected = expectedGfsSet(history, RETENTION);
    expect(await listed(store, prefix)).toEqual(expected);
    const [atReplica] = run.results[0].replicas;
    expect(atReplica).toMatchObject({ location: replica.uri(''), halted: [] });
    const [result] = atReplica.databases;
    expect(result.kept.map((kept: { backupId: string }) => kept.backupId).sort()).toEqual([...expectedAtReplica, named].sort());
    expect(result.kept.find((kept: { backupId: string }) => kept.backupId === named).reasons).toEqual(['latest']);
    const letGo = replicated.map((entry) => entry.backupId).filter((id) => id !== named && !expectedAtReplica.includes(id));
    expect([...result.deleted].sort()).toEqual(letGo.sort());
    expect(atReplica.deletedBackups).toBe(result.deleted.length);
    expect(result.deleted.length).toBeGreaterThan(15);
    expect(result.abandoned).toEqual([failed]);
    expect(await listed(replica, '')).toEqual([...expectedAtReplica, named].sort());
    // The copy still arriving keeps its dump object; the failed dump's folder is gone.
    const status = await cli(['status', '--from', replica.uri('')], store.env());
    expect(status.results[0].databases[0]).toMatchObject({
      complete: expectedAtReplica.length + 1, partial: [expect.objectContaining({ backupId: arriving })],
    });
  });

  test('--replica: a replica none of whose backups finished within the RPO (replication stopped) deletes nothing there and fails the run, '
    + 'while the source is pruned', async () => {
    const store = stores[0];
    const history = await seedHistory(store, 'stalled', 'ledger', HISTORY_DAYS);
    const replica = asReplica(store, 'stalled');
    const replicated = await seedHistory(replica, '', 'ledger', HISTORY_DAYS.filter((day) => day > 4));
    const run = await cli(['prune', '--from', store.uri('stalled'), '--replica', replica.uri(''), '--rpo', '72h', ...RETENTION_FLAGS]);
    expect(run.exitCode).toBe(1);
    expect(run.results[0].error).toMatch(new RegExp(`^ledger at the replica ${replica.uri('').replace(/[/.]/g, '\\$&')}: no backup finished within the RPO of 3d`));
    expect(await listed(store, 'stalled')).toEqual(expectedGfsSet(history, RETENTION));
    expect(run.results[0].replicas[0]).toMatchObject({ halted: ['ledger'], deletedBackups: 0 });
    expect(await listed(replica, '')).toEqual(replicated.map((entry) => entry.backupId).sort());
  });

  test('--replica: a replica backup the store will not delete (a lock) is reported, not a failure, and the other replicas are pruned', async () => {
    const store = stores[0];
    await seedHistory(store, 'locked-source', 'ledger', [0, 1, 2, 3, 4, 5]);
    const replica = asReplica(store, 'locked-replica');
    const replicated = await seedHistory(replica, '', 'ledger', [0, 1, 2, 3, 4, 5]);
    const lockedManifest = path.join(fileRoot, 'offsite', 'locked-replica', 'ledger', replicated[0].backupId, 'manifest.json');
    execFileSync('chattr', ['+i', lockedManifest]);
    try {
      const run = await cli(['prune', '--from', store.uri('locked-source'), '--replica', replica.uri(''), '--rpo', '26h', '--daily', '0', '--weekly', '0',
        '--monthly', '0', '--yearly', '0', '--minimum-kept', '3']);
      expect(run.results[0].error).toBeUndefined();
      expect(run.exitCode).toBe(0);
      const [result] = run.results[0].replicas[0].databases;
      expect(result.notDeleted).toEqual([{ backupId: replicated[0].backupId, reason: expect.stringMatching(/manifest\.json cannot be deleted/) }]);
      expect(result.deleted).toEqual([replicated[1].backupId, replicated[2].backupId]);
      expect(await listed(replica, '')).toEqual([replicated[0], ...replicated.slice(3)].map((entry) => entry.backupId).sort());
    } finally {
      execFileSync('chattr', ['-i', lockedManifest]);
    }
  });

  test.each(stores)('$kind: when no backup finished within the RPO, prune deletes nothing, says so and exits 1', async (store) => {
    const history = await seedHistory(store, 'stopped', 'ledger', [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const run = await prune(store, 'stopped');
    expect(run.exitCode).toBe(1);
    expect(run.results[0]).toMatchObject({ command: 'prune', ok: false, exitCode: 1, halted: ['ledger'], deletedBackups: 0 });
    expect(run.results[0].error).toMatch(/^ledger: no backup finished within the RPO of 26h \(the newest finished [23]d \d+h ago\): nothing is deleted while dumps are failing/);
    expect(run.results[0].databases[0].deleted).toEqual([]);
    expect(await listed(store, 'stopped')).toEqual(history.map((entry) => entry.backupId).sort());
  });

  test.each(stores)('$kind: the class of a dump is stored in its manifest and, on object stores, as a tag on each of its objects', async (store) => {
    const dump = await cli(['dump', '--database-url', pg().url('ledger'), '--to', store.uri('tags')], { PG_BIN_DIR: pg().binDir, ...store.env() });
    expect(dump.exitCode).toBe(0);
    const { backupId, objects } = dump.results[0];
    expect(dump.results[0].retentionClasses).toEqual(['daily', 'weekly', 'monthly', 'yearly']);
    const second = await cli(['dump', '--database-url', pg().url('ledger'), '--to', store.uri('tags')], { PG_BIN_DIR: pg().binDir, ...store.env() });
    expect(second.results[0].retentionClasses).toEqual([]);
    const names = [...objects.map((object: { name: string }) => object.name), 'manifest.json'];
    const tagsOf = async (id: string, name: string): Promise<Record<string, string>> => {
      if (store.kind === 's3') {
        const tagging = await s3().client.send(new GetObjectTaggingCommand({ Bucket: 'prune-backups', Key: `tags/ledger/${id}/${name}` }));
        return Object.fromEntries((tagging.TagSet ?? []).map((tag) => [tag.Key, tag.Value]));
      }
      return (await azure().client.getContainerClient('prune').getBlobClient(`tags/ledger/${id}/${name}`).getTags()).tags;
    };
    if (store.kind === 'file') {
      const manifest = JSON.parse(fs.readFileSync(path.join(fileRoot, 'tags', 'ledger', backupId, 'manifest.json'), 'utf8'));
      expect(manifest.retentionClasses).toEqual(['daily', 'weekly', 'monthly', 'yearly']);
      return;
    }
    for (const name of names) expect(await tagsOf(backupId, name)).toEqual({ 'backup-class': 'yearly' });
    expect(await tagsOf(second.results[0].backupId, 'manifest.json')).toEqual({ 'backup-class': 'none' });
  });

  test('folders without a manifest are removed only after the grace period; a backup whose manifest cannot be read is kept and reported', async () => {
    const root = path.join(fileRoot, 'abandoned');
    await seedHistory(stores[0], 'abandoned', 'ledger', [0]);
    const folder = (hoursAgo: number) => path.join(root, 'ledger', backupIdAt(Date.now() - hoursAgo * 3600_000, '0000dead'));
    const [oldPartial, recentPartial, oldBroken] = [folder(72), folder(1), folder(100)];
    for (const directory of [oldPartial, recentPartial, oldBroken]) {
      fs.mkdirSync(directory, { recursive: true });
      fs.writeFileSync(path.join(directory, 'dump.pgdump'), 'PGDMP');
    }
    fs.writeFileSync(path.join(oldBroken, 'manifest.json'), '');
    const run = await prune(stores[0], 'abandoned', ['--grace', '48h', '--output', 'table']);
    expect(run.exitCode).toBe(0);
    expect(run.results[0].databases[0]).toMatchObject({
      abandoned: [path.basename(oldPartial)],
      abandonedKept: [path.basename(recentPartial)],
      unreadableKept: [{ backupId: path.basename(oldBroken), reason: expect.stringContaining('manifest') }],
    });
    expect(run.stdout).toContain(`kept, manifest unreadable: ledger ${path.basename(oldBroken)}:`);
    expect([oldPartial, recentPartial, oldBroken].map((directory) => fs.existsSync(directory))).toEqual([false, true, true]);
    expect(fs.readFileSync(path.join(oldBroken, 'dump.pgdump'), 'utf8')).toBe('PGDMP');
  });

  test('a backup whose manifest the store will not delete is reported, stays whole, and the others are pruned', async () => {
    const history = await seedHistory(stores[0], 'locked', 'ledger', [0, 1, 2, 3, 4, 5]);
    const [oldest, second] = history;
    const lockedManifest = path.join(fileRoot, 'locked', 'ledger', oldest.backupId, 'manifest.json');
    execFileSync('chattr', ['+i', lockedManifest]);
    try {
      const run = await cli(['prune', '--from', stores[0].uri('locked'), '--rpo', '26h', '--daily', '0', '--weekly', '0', '--monthly', '0',
        '--yearly', '0', '--minimum-kept', '3']);
      expect(run.results[0].error).toBeUndefined();
      expect(run.exitCode).toBe(0);
      const [result] = run.results[0].databases;
      expect(result.notDeleted).toEqual([{ backupId: oldest.backupId, reason: expect.stringMatching(/manifest\.json cannot be deleted: .*\(an immutable or read-only file\)$/) }]);
      expect(result.deleted).toEqual([second.backupId, history[2].backupId]);
      expect(fs.readdirSync(path.dirname(lockedManifest)).sort()).toEqual(['dump.pgdump', 'manifest.json']);
      expect(await listed(stores[0], 'locked')).toEqual([oldest, ...history.slice(3)].map((entry) => entry.backupId).sort());
    } finally {
      execFileSync('chattr', ['-i', lockedManifest]);
    }
  });

  test.each([
    [['prune', '--from', 'file:///tmp/x'], /--rpo is undefined; allowed: a value \(the flag is required\)/],
    [['prune', '--from', 'file:///tmp/x', '--rpo', '26h', '--minimum-kept', '0'], /--minimum-kept is 0; allowed: an integer from 1 to 1000/],
    [['prune', '--from', 'file:///tmp/x', '--rpo', '26h', '--daily', '-1'], /--daily is -1; allowed: an integer from 0 to 3660/],
    [['prune', '--from', 'file:///tmp/x', '--rpo', '26h', '--grace', '10m'], /--grace is "10m"; allowed: a duration from 1h to 365d/],
  ])('a bad flag is a usage error: %j', async (argv, message) => {
    const run = await cli(argv);
    expect(run.exitCode).toBe(2);
    expect(run.results[0]).toMatchObject({ command: 'prune', ok: false, exitCode: 2 });
    expect(run.results[0].error).toMatch(message);
  });
});
