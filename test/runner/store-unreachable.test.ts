import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { useAzurite } from '../support/azurite';
import { freePort } from '../support/free-port';
import { usePostgres } from '../support/postgres';
import { useS3 } from '../support/s3';
import { seedShopDatabase } from './support/backup-fixtures';
import { runPgBackup, startPgBackup } from './support/pg-backup-process';
import { startTcpProxy } from './support/tcp-proxy';

/** Several runs of the CLI a test, some waiting out the SDK's retries, on a machine that may be busy. */
const SLOW_TEST_MS = 600_000;

/**
 * An object store that stops answering, at each step a run talks to it: the run fails with the store's
 * endpoint and what it was doing, exits 1 with the failure metric, and leaves the store as it was.
 */
describe('an object store that cannot be reached is named in the failure', () => {
  const pg = usePostgres();
  const s3 = useS3({ buckets: ['reach-backups'] });
  const azure = useAzurite();

  beforeAll(async () => {
    await seedShopDatabase(pg(), 'till');
    await pg().createDatabase('bulky');
    // Rows that do not compress away (md5 of a counter), so the stored dump is large enough to cut in its middle.
    await pg().query(`
      CREATE TABLE early (id int PRIMARY KEY, note text);
      INSERT INTO early SELECT g, md5(g::text) FROM generate_series(1, 1000) g;
      CREATE TABLE late (id int PRIMARY KEY, note text);
      INSERT INTO late SELECT g, md5(g::text) || md5((g + 1)::text) FROM generate_series(1, 20000) g;`, 'bulky');
    await azure().createContainer('reach');
  });

  const stores = [
    {
      kind: 's3',
      uri: 's3://reach-backups/nightly',
      direct: () => ({ ...s3().env, AWS_MAX_ATTEMPTS: '2' }),
      through: (port: number) => ({ ...s3().env, AWS_MAX_ATTEMPTS: '2', AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}` }),
      endpointAt: (port: number) => `http://127.0.0.1:${port}`,
      storePort: () => s3().port,
    },
    {
      kind: 'azblob',
      uri: 'azblob://devstoreaccount1/reach/nightly',
      direct: () => azure().env,
      through: (port: number) => ({ AZURE_STORAGE_CONNECTION_STRING: azure().connectionString.replace(`:${azure().port}/`, `:${port}/`) }),
      endpointAt: (port: number) => `http://127.0.0.1:${port}/devstoreaccount1`,
      storePort: () => azure().port,
    },
  ];

  describe.each(stores)('in $kind', ({ uri, direct, through, endpointAt, storePort }) => {
    const cli = (args: string[], env: Record<string, string>) => runPgBackup(args, { PG_BIN_DIR: pg().binDir, ...env });
    const dump = (env: Record<string, string>) => cli(['dump', '--database-url', pg().url('till'), '--to', uri], env);
    const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    let earlier: string;
    /** A backup (in a store of its own, beside this one) whose dump object is several hundred KiB, so a download can be cut in its middle. */
    let large: string;

    /** What the store holds, read directly: the backups and what latest names. */
    async function storeState() {
      const list = await cli(['list', '--from', uri], direct());
      expect(list.exitCode).toBe(0);
      return { backups: (list.result.backups as { backupId: string }[]).map((backup) => backup.backupId), broken: list.result.broken };
    }

    beforeAll(async () => {
      const first = await dump(direct());
      expect(first.exitCode).toBe(0);
      earlier = first.result.backupId;
      const bulky = await cli(['dump', '--database-url', pg().url('bulky'), '--to', `${uri}-bulky`], direct());
      expect(bulky.exitCode).toBe(0);
      large = bulky.result.backupId;
    });

    test('unreachable from the start: the dump fails naming the endpoint, and nothing changes', async () => {
      const before = await storeState();
      const port = await freePort();
      const run = await dump(through(port));
      expect(run).toMatchObject({ exitCode: 1, result: { ok: false, metrics: { BackupFailed: 1, BackupSucceeded: 0 } } });
      expect(run.result.error).toMatch(new RegExp(`the object store at ${escaped(endpointAt(port))} is unreachable while .*ECONNREFUSED.*no manifest was written and latest is unchanged`));
      expect(await storeState()).toEqual(before);
    }, SLOW_TEST_MS);

    test.each([
      // The first request for the dump object: S3's existence check (HEAD), Azure's first block (PUT).
      ['while the dump object is uploaded', /(HEAD|PUT|POST) \S*\/dump\.pgdump/, /uploading \S+\/dump\.pgdump/],
      ['while the manifest is written', /PUT \S*\/manifest\.json/, /writing \S+\/manifest\.json/],
    ])('gone %s: the dump fails naming the endpoint, and nothing changes', async (_when, cutAt, doing) => {
      const before = await storeState();
      const proxy = await startTcpProxy(storePort(), { cutAt });
      const run = await dump(through(proxy.port));
      await proxy.whenCut;
      expect(run).toMatchObject({ exitCode: 1, result: { ok: false, metrics: { BackupFailed: 1, BackupSucceeded: 0 } } });
      expect(run.result.error).toMatch(new RegExp(`the object store at ${escaped(endpointAt(proxy.port))} became unreachable while ${doing.source}`));
      expect(run.result.error).toMatch(/no manifest was written and latest is unchanged/);
      expect(await storeState()).toEqual(before);
    }, SLOW_TEST_MS);

    test('gone while latest is written: the backup is complete and says so, and verify --latest takes it', async () => {
      const proxy = await startTcpProxy(storePort(), { cutAt: /PUT \S*\/latest/ });
      const run = await dump(through(proxy.port));
      await proxy.whenCut;
      expect(run).toMatchObject({ exitCode: 1, result: { ok: false, metrics: { BackupFailed: 1 } } });
      const backupId = /backup (\S+) is complete/.exec(run.result.error)?.[1];
      expect(run.result.error).toMatch(new RegExp(`but moving latest to it failed.*the object store at ${escaped(endpointAt(proxy.port))} became unreachable while writing \\S+/latest`));
      expect(run.result.error).not.toMatch(/no manifest was written/);
      expect((await storeState()).backups).toContain(backupId);

      const verify = await cli(['verify', '--from', uri, '--latest', '--target-url', pg().url()], direct());
      expect(verify).toMatchObject({ exitCode: 0, result: { ok: true, backupId } });
    }, SLOW_TEST_MS);

    test('gone while verify downloads: verify fails naming the endpoint, and leaves no scratch database', async () => {
      const proxy = await startTcpProxy(storePort(), { cutAt: /GET \S*\/dump\.pgdump/ });
      const run = await cli(['verify', '--from', uri, '--backup', earlier, '--target-url', pg().url()], through(proxy.port));
      await proxy.whenCut;
      expect(run).toMatchObject({ exitCode: 1, result: { ok: false, metrics: { VerifyFailed: 1 } } });
      expect(run.result.error).toMatch(new RegExp(`the object store at ${escaped(endpointAt(proxy.port))} became unreachable while downloading \\S+/dump\\.pgdump`));
      expect(await pg().query("SELECT datname FROM pg_database WHERE datname LIKE 'pg_backup_verify_%'")).toEqual([]);
    }, SLOW_TEST_MS);

    test('gone in the middle of the dump object, with the restore under way: verify fails saying the download stopped (naming the endpoint where the SDK tells the network failure) and leaves nothing behind', async () => {
      const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-reach-scratch-'));
      // The table of contents and the first table's data arrive, then the store stalls: pg_restore is at work when it goes away.
      const proxy = await startTcpProxy(storePort(), { holdInResponse: { request: /GET \S*\/dump\.pgdump/, afterBytes: 256 * 1024 } });
      try {
        const verify = startPgBackup(['verify', '--from', `${uri}-bulky`, '--backup', large, '--target-url', pg().url(), '--log-level', 'debug'],
          { PG_BIN_DIR: pg().binDir, ...through(proxy.port), PG_BACKUP_SCRATCH_DIR: scratch });
        await verify.waitForStderr(/pg_restore: processing data for table \\"public.early\\"/);
        await proxy.cut();
        const run = await verify.done;
        expect(run).toMatchObject({ exitCode: 1, result: { ok: false, metrics: { VerifyFailed: 1 } } });
        // The store's own explanation where its SDK gives the network failure, else how far the download got.
        expect(run.result.error).toMatch(new RegExp(`the object store at ${escaped(endpointAt(proxy.port))} became unreachable while downloading \\S+/dump\\.pgdump`
          + '|the download of \\S+/dump\\.pgdump\\S* stopped after \\d+ of \\d+ bytes'));
        expect(await pg().query("SELECT datname FROM pg_database WHERE datname LIKE 'pg_backup_verify_%'")).toEqual([]);
        expect(fs.readdirSync(scratch)).toEqual([]);
      } finally {
        await proxy.cut();
        fs.rmSync(scratch, { recursive: true, force: true });
      }
    }, SLOW_TEST_MS);
  });
});
