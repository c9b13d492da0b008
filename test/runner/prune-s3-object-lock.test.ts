import * as http from 'node:http';
import { type AddressInfo } from 'node:net';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { classifyBackup } from '../../src/core';
import { useS3 } from '../support/s3';
import { manifestAt } from './support/backup-fixtures';
import { runPgBackup } from './support/pg-backup-process';

const DAY_MS = 86_400_000;
const BUCKET = 'locked-backups';
/** Keep the three newest backups and nothing else, so the three oldest of six are due. */
const KEEP_THREE = ['--rpo', '26h', '--daily', '0', '--weekly', '0', '--monthly', '0', '--yearly', '0', '--minimum-kept', '3'];

/**
 * The local S3 server (s3rver 3) answers NotImplemented to every Object Lock call (object-lock, retention, legal-hold),
 * so no object can be locked there. What a lock does to a prune is what S3 answers its DeleteObject, and that is what
 * these tests put between the runner and the server, byte for byte as S3 sends it, with everything else passed through:
 * - a delete refused with 403 AccessDenied ("Access Denied because object protected by object lock.", what S3 answers a
 *   delete of an object version under retention or legal hold; a bucket policy that denies the delete answers the same
 *   status and code), the object left in place;
 * - in a versioned bucket (Object Lock requires versioning) a delete by key only, which is all the prune sends, succeeds
 *   with a delete marker (`x-amz-delete-marker: true`) while the locked version stays until its retention ends.
 */
describe('pg-backup prune on S3 with Object Lock', () => {
  const s3 = useS3({ buckets: [BUCKET] });
  let proxy: http.Server;
  let endpoint: string;
  /** Keys whose delete S3 refuses. */
  const refused = new Set<string>();
  /** Whether deletes answer as a versioned bucket does (a delete marker instead of the object's removal). */
  let versioned = false;
  const deletes: string[] = [];

  beforeAll(async () => {
    const target = new URL(s3().endpoint);
    proxy = http.createServer((request, response) => {
      const key = decodeURIComponent(new URL(request.url!, 'http://proxy').pathname).replace(`/${BUCKET}/`, '');
      if (request.method === 'DELETE') deletes.push(key);
      if (request.method === 'DELETE' && refused.has(key)) {
        request.resume();
        response.writeHead(403, { 'content-type': 'application/xml', 'x-amz-request-id': 'LOCKED0000000000' });
        response.end('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code>'
          + '<Message>Access Denied because object protected by object lock.</Message><RequestId>LOCKED0000000000</RequestId></Error>');
        return;
      }
      // Headers as the client signed them (the Host included), so the server's signature check holds.
      const upstream = { host: target.hostname, port: target.port, method: request.method, path: request.url, headers: request.headers };
      const forwarded = http.request(upstream, (answer) => {
        const headers = { ...answer.headers };
        if (request.method === 'DELETE' && versioned) Object.assign(headers, { 'x-amz-delete-marker': 'true', 'x-amz-version-id': 'marker-version' });
        response.writeHead(answer.statusCode!, headers);
        answer.pipe(response);
      });
      request.pipe(forwarded);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
  });
  beforeEach(() => {
    refused.clear();
    versioned = false;
    deletes.length = 0;
  });

  /** Six nightly backups of `database` under `prefix` (oldest first), written straight to the server. */
  async function seed(prefix: string, database: string): Promise<string[]> {
    const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    const times = [5, 4, 3, 2, 1, 0].map((day) => new Date(today - day * DAY_MS + 2 * 3600_000));
    const dump = Buffer.from('PGDMP not a real archive, only listed and deleted');
    const ids: string[] = [];
    for (const [index, at] of times.entries()) {
      const manifest = manifestAt(database, at, classifyBackup(at, times.slice(0, index)), dump);
      for (const [name, body] of [['dump.pgdump', dump], ['manifest.json', Buffer.from(JSON.stringify(manifest))]] as const) {
        await s3().client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}/${database}/${manifest.backupId}/${name}`, Body: body }));
      }
      ids.push(manifest.backupId);
    }
    return ids;
  }

  async function keysUnder(prefix: string): Promise<string[]> {
    const page = await s3().client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${prefix}/` }));
    return (page.Contents ?? []).map((object) => object.Key!).sort();
  }

  const prune = (prefix: string) => runPgBackup(['prune', '--from', `s3://${BUCKET}/${prefix}`, ...KEEP_THREE],
    { ...s3().env, AWS_ENDPOINT_URL_S3: endpoint, PG_BACKUP_METRICS: 'off' });

  test('a backup whose objects S3 refuses to delete (AccessDenied: an Object Lock) is reported and stays whole; the run succeeds and prunes the others', async () => {
    const [oldest, second, third, ...newest] = await seed('refused', 'ledger');
    refused.add(`refused/ledger/${oldest}/manifest.json`);
    refused.add(`refused/ledger/${oldest}/dump.pgdump`);
    const run = await prune('refused');
    expect(run.result.error).toBeUndefined();
    expect(run.exitCode).toBe(0);
    const [result] = run.result.databases;
    expect(result.notDeleted).toEqual([{
      backupId: oldest,
      reason: expect.stringMatching(/manifest\.json cannot be deleted: Access Denied because object protected by object lock\. \(an Object Lock retention or legal hold, or a policy that forbids the delete\)$/),
    }]);
    expect(result.deleted).toEqual([second, third]);
    // The manifest comes first: once it is refused, no other object of that backup is even asked for.
    expect(deletes.filter((key) => key.includes(oldest))).toEqual([`refused/ledger/${oldest}/manifest.json`]);
    expect(await keysUnder('refused')).toEqual([oldest, ...newest].flatMap((id) => [`refused/ledger/${id}/dump.pgdump`, `refused/ledger/${id}/manifest.json`]));
    expect(run.result.metrics).toMatchObject({ PruneSucceeded: 1, PruneFailed: 0, PruneDeletedBackups: 2, PruneNotDeleted: 1 });
  });

  test('in a versioned (lockable) bucket each delete leaves a marker: the backups leave the listing and the run reports every object the store keeps', async () => {
    versioned = true;
    const [oldest, second, third, ...newest] = await seed('versioned', 'ledger');
    const run = await prune('versioned');
    expect(run.exitCode).toBe(0);
    const [result] = run.result.databases;
    expect(result).toMatchObject({ deleted: [oldest, second, third], notDeleted: [], objectsRetainedByStore: 6 });
    expect(await keysUnder('versioned')).toEqual(newest.flatMap((id) => [`versioned/ledger/${id}/dump.pgdump`, `versioned/ledger/${id}/manifest.json`]));
  });
});
