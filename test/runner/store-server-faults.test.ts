import { GetObjectCommand } from '@aws-sdk/client-s3';
import { useAzurite } from '../support/azurite';
import { usePostgres } from '../support/postgres';
import { useS3 } from '../support/s3';
import { seedShopDatabase } from './support/backup-fixtures';
import { s3ErrorBody, startHttpFaultProxy, type HttpFault, type HttpFaultProxy } from './support/http-fault-proxy';
import { runPgBackup } from './support/pg-backup-process';

/** Several runs of the CLI a test, some waiting out the SDK's retries, on a machine that may be busy. */
const SLOW_TEST_MS = 300_000;

const azureError = (status: number, code: string, message: string): HttpFault['action'] => ({
  answer: status,
  body: `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  headers: { 'x-ms-error-code': code },
});
const s3Error = (status: number, code: string, message: string): HttpFault['action'] => ({ answer: status, body: s3ErrorBody(code, message) });

/**
 * A store that answers with failures of its own (overloaded, failing) or whose answer to a write is lost: the dump
 * says which store failed at what, with the store's code, leaves earlier backups and latest as they were, and a
 * write that landed is never taken for a conflict with another run.
 */
describe('an object store that fails or loses its answers mid-run', () => {
  const pg = usePostgres();
  const s3 = useS3({ buckets: ['server-faults'] });
  const azure = useAzurite();

  beforeAll(async () => {
    await seedShopDatabase(pg(), 'till');
    await pg().createDatabase('bulky');
    // Rows that do not compress away, so the dump takes two parts of 5 MiB.
    await pg().query(`CREATE TABLE notes (id int PRIMARY KEY, note text);
      INSERT INTO notes SELECT g, md5(g::text) || md5((g + 1)::text) FROM generate_series(1, 300000) g;`, 'bulky');
    await azure().createContainer('server-faults');
  });

  const stores = [
    {
      kind: 's3',
      uri: 's3://server-faults/nightly',
      direct: () => s3().env,
      through: (port: number) => ({ ...s3().env, AWS_MAX_ATTEMPTS: '2', AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}` }),
      storePort: () => s3().port,
      readLatest: async (prefix: string) => {
        const got = await s3().client.send(new GetObjectCommand({ Bucket: 'server-faults', Key: `${prefix}/till/latest` })).catch(() => undefined);
        return got && (JSON.parse(await got.Body!.transformToString()) as { backupId: string }).backupId;
      },
      serverError: s3Error(500, 'InternalError', 'We encountered an internal error. Please try again.'),
      busy: s3Error(503, 'SlowDown', 'Please reduce your request rate.'),
      // AWS S3 refuses the repeat of a conditional write that landed; s3rver ignores the conditions, so the proxy answers as S3 does.
      refusedRepeat: [s3Error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold')],
    },
    {
      kind: 'azblob',
      uri: 'azblob://devstoreaccount1/server-faults/nightly',
      direct: () => azure().env,
      through: (port: number) => ({ AZURE_STORAGE_CONNECTION_STRING: azure().connectionString.replace(`:${azure().port}/`, `:${port}/`) }),
      storePort: () => azure().port,
      readLatest: async (prefix: string) => {
        const blob = azure().client.getContainerClient('server-faults').getBlobClient(`${prefix}/till/latest`);
        return (await blob.exists()) ? (JSON.parse((await blob.downloadToBuffer()).toString()) as { backupId: string }).backupId : undefined;
      },
      serverError: azureError(500, 'InternalError', 'The server encountered an internal error. Please retry the request.'),
      busy: azureError(503, 'ServerBusy', 'The server is currently unable to receive requests. Please retry your request.'),
      // Azurite enforces the conditions itself.
      refusedRepeat: [],
    },
  ];

  describe.each(stores)('in $kind', ({ kind, uri, direct, through, storePort, readLatest, serverError, busy, refusedRepeat }) => {
    const cli = (args: string[], env: Record<string, string>) => runPgBackup(args, { PG_BIN_DIR: pg().binDir, ...env });
    let proxy: HttpFaultProxy | undefined;
    afterEach(async () => {
      await proxy?.stop();
      proxy = undefined;
    });
    const dumpThrough = async (location: string, faults: HttpFault[], database = 'till') => {
      proxy = await startHttpFaultProxy(storePort(), faults);
      return cli(['dump', '--database-url', pg().url(database), '--to', location, '--part-size-mb', '5'], through(proxy.port));
    };
    const endpoint = () => (kind === 's3' ? `http://127.0.0.1:${proxy!.port}` : `http://127.0.0.1:${proxy!.port}/devstoreaccount1`);
    const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    async function state(location: string) {
      const list = await cli(['list', '--from', location], direct());
      expect(list.exitCode).toBe(0);
      return {
        backups: (list.result.backups as { backupId: string }[]).map((backup) => backup.backupId),
        broken: list.result.broken,
        latest: await readLatest(location.replace(/^\w+:\/\/(devstoreaccount1\/)?[^/]+\//, '')),
      };
    }

    test.each([
      // Not the tagging of the manifest that follows its write.
      ['the manifest', /PUT \S*\/manifest\.json(\?x-id=PutObject)?$/],
      ['latest', /PUT \S*\/latest(\?x-id=PutObject)?$/],
    ])('a write of %s that landed but whose answer was lost is retried, and the dump completes with latest on the new backup', async (_what, request) => {
      const location = `${uri}-lost-${_what === 'latest' ? 'latest' : 'manifest'}`;
      const earlier = await cli(['dump', '--database-url', pg().url('till'), '--to', location], direct());
      expect(earlier.exitCode).toBe(0);
      const run = await dumpThrough(location, [
        { request, action: { resetAfterStoreAnswered: true }, times: 1 },
        ...refusedRepeat.map((action) => ({ request, action, times: 1 })),
      ]);
      // The write went to the store twice: the first landed, its answer was lost, the repeat met what it had written.
      expect(proxy!.requests.filter((line) => request.test(line))).toHaveLength(2);
      expect(run).toMatchObject({ exitCode: 0, result: { ok: true, latestMoved: true, metrics: { BackupSucceeded: 1, BackupFailed: 0 } } });
      expect(run.result.latest).toBe(run.result.backupId);
      expect(await state(location)).toEqual({ backups: [earlier.result.backupId, run.result.backupId], broken: [], latest: run.result.backupId });
    }, SLOW_TEST_MS);

    test('an upload whose commit landed but whose answer was lost completes the dump, where the repeat of the commit was taken for a conflict', async () => {
      const location = `${uri}-lost-commit`;
      // S3 completes a multipart upload with a POST, Azure commits the block list with a PUT.
      const commit = kind === 's3' ? /POST \S*\/dump\.pgdump\.zst\?uploadId=/ : /PUT \S*\/dump\.pgdump\.zst\?comp=blocklist/;
      // AWS S3 answers the repeat of a completed upload NoSuchUpload; Azurite refuses the repeated commit itself (409).
      const repeat: HttpFault[] = kind === 's3' ? [{ request: commit, action: s3Error(404, 'NoSuchUpload', 'The specified upload does not exist.'), times: 1 }] : [];
      const run = await dumpThrough(location, [{ request: commit, action: { resetAfterStoreAnswered: true }, times: 1 }, ...repeat], 'bulky');
      expect(proxy!.requests.filter((line) => commit.test(line))).toHaveLength(2);
      expect(run).toMatchObject({ exitCode: 0, result: { ok: true, latestMoved: true, metrics: { BackupSucceeded: 1, BackupFailed: 0 } } });
      expect(await state(location)).toMatchObject({ backups: [run.result.backupId], broken: [] });
      const verify = await cli(['verify', '--from', location, '--latest', '--target-url', pg().url()], direct());
      expect(verify).toMatchObject({ exitCode: 0, result: { ok: true, backupId: run.result.backupId } });
    }, SLOW_TEST_MS);

    test('a manifest write the store keeps failing fails the dump naming the store, the write and its code, and changes nothing', async () => {
      const location = `${uri}-failing-manifest`;
      const earlier = await cli(['dump', '--database-url', pg().url('till'), '--to', location], direct());
      const before = await state(location);
      const run = await dumpThrough(location, [{ request: /PUT \S*\/manifest\.json/, action: busy }]);
      const code = kind === 's3' ? 'SlowDown' : 'ServerBusy';
      expect(run).toMatchObject({ exitCode: 1, result: { ok: false, metrics: { BackupFailed: 1, BackupSucceeded: 0 } } });
      expect(run.result.error).toMatch(new RegExp(`^the object store at ${escaped(endpoint())} failed while writing \\S+/manifest\\.json: ${code} \\(HTTP 503\\): `
        + '.*a failure or overload of the store, not of the backup.*no manifest was written and latest is unchanged'));
      expect(await state(location)).toEqual(before);
      expect(before.latest).toBe(earlier.result.backupId);
    }, SLOW_TEST_MS);

    test('a latest write the store keeps failing leaves a complete backup, says so and names the failure of the store', async () => {
      const location = `${uri}-failing-latest`;
      const earlier = await cli(['dump', '--database-url', pg().url('till'), '--to', location], direct());
      const run = await dumpThrough(location, [{ request: /PUT \S*\/latest/, action: serverError }]);
      expect(run).toMatchObject({ exitCode: 1, result: { ok: false, metrics: { BackupFailed: 1 } } });
      const backupId = /backup (\S+) is complete/.exec(run.result.error)?.[1];
      expect(run.result.error).toMatch(new RegExp(`moving latest to it failed, so latest may still name an older backup: the object store at ${escaped(endpoint())} `
        + 'failed while writing \\S+/latest: InternalError \\(HTTP 500\\)'));
      expect(await state(location)).toEqual({ backups: [earlier.result.backupId, backupId], broken: [], latest: earlier.result.backupId });
    }, SLOW_TEST_MS);

    test('an upload whose every part the store refuses as overloaded fails naming the code, and leaves no object', async () => {
      const location = `${uri}-busy-parts`;
      const parts = kind === 's3' ? /PUT \S*partNumber=/ : /PUT \S*comp=block&/;
      // s3rver has no AbortMultipartUpload (it answers 405): the proxy accepts the abort as S3 does.
      const abortAccepted: HttpFault[] = kind === 's3' ? [{ request: /DELETE \S*uploadId=/, action: { answer: 204 } }] : [];
      const run = await dumpThrough(location, [{ request: parts, action: busy }, ...abortAccepted], 'bulky');
      expect(run).toMatchObject({ exitCode: 1, result: { ok: false, metrics: { BackupFailed: 1, BackupSucceeded: 0 } } });
      expect(run.result.error).toMatch(new RegExp(`the object store at ${escaped(endpoint())} failed while uploading \\S+/dump\\.pgdump\\.zst: `
        + `${kind === 's3' ? 'SlowDown' : 'ServerBusy'} \\(HTTP 503\\)`));
      expect(run.result.error).toMatch(kind === 's3' ? /the multipart upload was abandoned, so no partial object is left/ : /no block was committed, so no partial blob is left/);
      if (kind === 's3') expect(proxy!.requests.some((line) => /DELETE \S*uploadId=.*AbortMultipartUpload/.test(line))).toBe(true);
      expect(await state(location)).toEqual({ backups: [], broken: [], latest: undefined });
    }, SLOW_TEST_MS);
  });

  test('in s3, an upload whose completion and abort both fail says the multipart upload is left, and how to abort it', async () => {
    const location = 's3://server-faults/nightly-left-upload';
    const proxy = await startHttpFaultProxy(s3().port, [
      { request: /POST \S*uploadId=/, action: s3Error(500, 'InternalError', 'We encountered an internal error. Please try again.') },
      { request: /DELETE \S*uploadId=/, action: s3Error(503, 'SlowDown', 'Please reduce your request rate.') },
    ]);
    try {
      const run = await runPgBackup(['dump', '--database-url', pg().url('bulky'), '--to', location, '--part-size-mb', '5'],
        { PG_BIN_DIR: pg().binDir, ...s3().env, AWS_MAX_ATTEMPTS: '2', AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${proxy.port}` });
      const uploadId = /uploadId=([^&\s]+)/.exec(proxy.faulted.find((line) => line.startsWith('DELETE'))!)![1];
      expect(run).toMatchObject({ exitCode: 1, result: { ok: false, metrics: { BackupFailed: 1 } } });
      expect(run.result.error).toMatch(/failed while uploading \S+\/dump\.pgdump\.zst: InternalError \(HTTP 500\)/);
      expect(run.result.error).toMatch(new RegExp('the multipart upload could not be aborted either \\(.*SlowDown \\(HTTP 503\\).*\\), so its parts stay in the bucket, billed, .*'
        + `aws s3api abort-multipart-upload --bucket server-faults --key nightly-left-upload/bulky/\\S+/dump\\.pgdump\\.zst --upload-id ${uploadId}`));
      expect(run.result.error).not.toMatch(/was aborted|was abandoned/);
    } finally {
      await proxy.stop();
    }
  }, SLOW_TEST_MS);
});
