import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { useAzurite } from '../support/azurite';
import { usePostgres } from '../support/postgres';
import { useS3 } from '../support/s3';
import { seedShopDatabase, tableRowCounts } from './support/backup-fixtures';
import { runPgBackup } from './support/pg-backup-process';
import { startTcpProxy } from './support/tcp-proxy';

/** Several dumps, verifies and restores a test, some waiting out the SDK's retries, on a machine that may be busy. */
const SLOW_TEST_MS = 600_000;

/**
 * `pg-backup dump --to A --to B …` reads the database once and writes the backup to every destination — a
 * directory, S3 and Azure Blob here, two clouds and two media — each complete on its own: its manifest and latest
 * are written only when its own copy is, and one that fails is dropped while the others complete.
 */
describe('one dump to several destinations', () => {
  const pg = usePostgres();
  const s3 = useS3({ buckets: ['fan-backups'] });
  const azure = useAzurite();
  const fileRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-fan-store-'));
  const fileUri = `file://${fileRoot}/nightly`;
  const s3Uri = 's3://fan-backups/nightly';
  const azureUri = 'azblob://devstoreaccount1/fan/nightly';
  const env = () => ({ PG_BIN_DIR: pg().binDir, ...s3().env, ...azure().env, AWS_MAX_ATTEMPTS: '2' });
  let sourceCounts: Record<string, number>;

  beforeAll(async () => {
    sourceCounts = await seedShopDatabase(pg(), 'fan');
    // A table of hashes, which compress poorly, so the dump object takes several 5 MiB upload parts.
    await pg().query('CREATE TABLE bulk (id int, h text); INSERT INTO bulk SELECT g, md5(g::text) || md5((g * 7)::text) FROM generate_series(1, 300000) g', 'fan');
    sourceCounts = await tableRowCounts(pg(), 'fan');
    await azure().createContainer('fan');
  });

  afterAll(() => fs.rmSync(fileRoot, { recursive: true, force: true }));

  /** The backup the `latest` pointer of a location names, read from the store itself. */
  async function latestAt(uri: string): Promise<string | undefined> {
    let text: string | undefined;
    if (uri === fileUri) {
      const file = path.join(fileRoot, 'nightly', 'fan', 'latest');
      text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    } else if (uri === s3Uri) {
      text = await s3().client.send(new GetObjectCommand({ Bucket: 'fan-backups', Key: 'nightly/fan/latest' }))
        .then((object) => object.Body!.transformToString(), () => undefined);
    } else {
      const blob = azure().client.getContainerClient('fan').getBlobClient('nightly/fan/latest');
      text = (await blob.exists()) ? (await blob.downloadToBuffer()).toString('utf8') : undefined;
    }
    return text === undefined ? undefined : (JSON.parse(text) as { backupId: string }).backupId;
  }

  /** The backups a location lists and the one its latest names. */
  async function backupsAt(uri: string) {
    const list = await runPgBackup(['list', '--from', uri, '--database', 'fan'], env());
    expect(list.exitCode).toBe(0);
    return { backups: (list.result.backups as { backupId: string }[]).map((backup) => backup.backupId), latest: await latestAt(uri) };
  }

  test('reads the database once and each of file://, S3 and Azure Blob gets a complete backup, latest and a result entry', async () => {
    const dump = await runPgBackup(['dump', '--database-url', pg().url('fan'), '--to', fileUri, '--to', s3Uri, '--to', azureUri, '--log-level', 'debug'], env());
    expect(dump).toMatchObject({ exitCode: 0, result: { ok: true, metrics: { BackupSucceeded: 1, BackupFailed: 0 } } });
    const backupId = dump.result.backupId as string;
    expect(dump.result.destinations).toEqual([fileUri, s3Uri, azureUri].map((location) => expect.objectContaining({
      location,
      ok: true,
      manifestKey: expect.stringMatching(new RegExp(`(^|/)fan/${backupId}/manifest\\.json$`)),
      latestKey: expect.stringMatching(/(^|\/)fan\/latest$/),
      latest: backupId,
      latestMoved: true,
    })));
    // Read once: one pg_dump, whose verbose "dumping contents" line appears once a table, not once a destination.
    expect(dump.stderr.split('\n').filter((line) => /dumping contents of table \S*public\.bulk/.test(line))).toHaveLength(1);

    for (const uri of [fileUri, s3Uri, azureUri]) {
      const at = await backupsAt(uri);
      expect(at.backups).toContain(backupId);
      expect(at.latest).toBe(backupId);
    }
    // The offsite copy restores on its own, with every row.
    const target = await pg().createDatabase('fan_from_azure');
    const restore = await runPgBackup(['restore', '--from', azureUri, '--latest', '--database', 'fan', '--target-url', pg().url(target)], env());
    expect(restore).toMatchObject({ exitCode: 0, result: { ok: true, backupId } });
    expect(await tableRowCounts(pg(), target)).toEqual(sourceCounts);
  }, SLOW_TEST_MS);

  test('a destination that goes away mid-upload is dropped: the others complete and are latest, the run exits 1 naming it', async () => {
    const before = await backupsAt(s3Uri);
    // S3 is reached through a proxy that is cut when the dump object's second part is sent: the upload is under way.
    const proxy = await startTcpProxy(s3().port, { cutAt: /PUT \S*\/dump\.pgdump\S*partNumber=2/ });
    const dump = await runPgBackup([
      'dump', '--database-url', pg().url('fan'), '--to', fileUri, '--to', s3Uri, '--to', azureUri, '--part-size-mb', '5', '--compress', 'none',
    ], { ...env(), AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${proxy.port}` });
    await proxy.whenCut;

    expect(dump).toMatchObject({ exitCode: 1, result: { ok: false, metrics: { BackupSucceeded: 0, BackupFailed: 1 } } });
    const backupId = dump.result.backupId as string;
    // The cut reaches the upload either as the store going away or, when it lands between two parts, as the aborted upload.
    expect(dump.result.error).toMatch(new RegExp(`backup ${backupId} is complete in 2 of 3 destinations; ${s3Uri}: .*(became unreachable while uploading|the multipart upload was aborted)`));
    const [file, s3Entry, azureEntry] = dump.result.destinations as Record<string, unknown>[];
    expect(file).toMatchObject({ location: fileUri, ok: true, latest: backupId, latestMoved: true });
    expect(azureEntry).toMatchObject({ location: azureUri, ok: true, latest: backupId, latestMoved: true });
    expect(s3Entry).toMatchObject({ location: s3Uri, ok: false, error: expect.stringMatching(/no manifest was written there and latest is unchanged/) });
    expect(s3Entry).not.toHaveProperty('manifestKey');
    expect(dump.stderr).toMatch(new RegExp(`${s3Uri} is dropped from this dump, the other destinations go on`));

    // The failed destination is as it was; the others hold the new backup as latest, and it verifies.
    expect(await backupsAt(s3Uri)).toEqual(before);
    expect(await backupsAt(fileUri)).toMatchObject({ latest: backupId });
    expect(await backupsAt(azureUri)).toMatchObject({ latest: backupId });
    const verify = await runPgBackup(['verify', '--from', fileUri, '--latest', '--database', 'fan', '--target-url', pg().url()], env());
    expect(verify).toMatchObject({ exitCode: 0, result: { ok: true, backupId, rowCountsCompared: true } });
  }, SLOW_TEST_MS);

  test('a directory-format dump goes to every destination file by file', async () => {
    const dump = await runPgBackup(['dump', '--database-url', pg().url('fan'), '--to', fileUri, '--to', azureUri, '--format', 'directory', '--jobs', '2'], env());
    expect(dump).toMatchObject({ exitCode: 0, result: { ok: true, format: 'directory' } });
    const backupId = dump.result.backupId as string;
    const verify = await runPgBackup(['verify', '--from', azureUri, '--backup', backupId, '--database', 'fan', '--target-url', pg().url(), '--jobs', '2'], env());
    expect(verify).toMatchObject({ exitCode: 0, result: { ok: true, backupId, rowCountsCompared: true } });
    expect(await backupsAt(fileUri)).toMatchObject({ latest: backupId });
  }, SLOW_TEST_MS);

  test('every destination unreachable: the dump fails before reading the database, naming each', async () => {
    const dump = await runPgBackup(['dump', '--database-url', pg().url('fan'), '--to', s3Uri, '--to', azureUri], {
      ...env(), AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9', AZURE_STORAGE_CONNECTION_STRING: azure().connectionString.replace(`:${azure().port}/`, ':9/'),
    });
    expect(dump).toMatchObject({ exitCode: 1, result: { ok: false, metrics: { BackupFailed: 1 } } });
    expect(dump.result.error).toMatch(new RegExp(`every destination failed: ${s3Uri}: .*unreachable.*; ${azureUri}: .*unreachable`));
    expect(dump.stderr).not.toMatch(/dump started/);
  }, SLOW_TEST_MS);

  test('the same location twice is a usage error', async () => {
    const dump = await runPgBackup(['dump', '--database-url', pg().url('fan'), '--to', fileUri, '--to', fileUri], env());
    expect(dump).toMatchObject({ exitCode: 2, result: { ok: false } });
    expect(dump.result.error).toContain(`--to is "${fileUri}"`);
    expect(dump.result.error).toContain('each location once');
  });
});
