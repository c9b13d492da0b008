import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { useAzurite } from './azurite';
import { usePostgres } from './postgres';
import { useS3 } from './s3';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

describe('a throwaway PostgreSQL cluster', () => {
  const pg = usePostgres({ settings: { archive_mode: 'on', archive_command: '/bin/true' } });

  test('round-trips rows through a table', async () => {
    await pg().createDatabase('harness');
    await pg().query('CREATE TABLE t (id int primary key, label text)', 'harness');
    await pg().query("INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 1000) g", 'harness');
    const rows = await pg().query<{ count: string; last: string }>(
      'SELECT count(*) AS count, max(label) FILTER (WHERE id = 1000) AS last FROM t', 'harness');
    expect(rows).toEqual([{ count: '1000', last: 'row 1000' }]);
  });

  test('applies the settings it was given', async () => {
    const [{ archive_mode: mode }] = await pg().query<{ archive_mode: string }>('SHOW archive_mode');
    expect(mode).toBe('on');
  });

  test('reports the client tools and their major version', async () => {
    expect(fs.existsSync(path.join(pg().binDir, 'pg_dump'))).toBe(true);
    const [{ server_version_num: num }] = await pg().query<{ server_version_num: string }>('SHOW server_version_num');
    expect(Math.floor(Number(num) / 10000)).toBe(pg().majorVersion);
  });

  test('refuses a wrong password over TCP', async () => {
    const { Client } = await import('pg');
    const client = new Client({ connectionString: pg().url().replace(pg().password, 'wrong') });
    await expect(client.connect()).rejects.toThrow(/password authentication failed/);
  });
});

describe('the local S3-compatible server', () => {
  const s3 = useS3({ buckets: ['harness-bucket'] });

  test('takes a 20 MB multipart upload and returns the same bytes', async () => {
    const body = randomBytes(20 * 1024 * 1024);
    const upload = new Upload({
      client: s3().client,
      params: { Bucket: 'harness-bucket', Key: 'big/object.bin', Body: Readable.from([body]) },
      partSize: 5 * 1024 * 1024,
      queueSize: 2,
    });
    await upload.done();
    const got = await s3().client.send(new GetObjectCommand({ Bucket: 'harness-bucket', Key: 'big/object.bin' }));
    const back = await readAll(got.Body as NodeJS.ReadableStream);
    expect(back.length).toBe(body.length);
    expect(sha256(back)).toBe(sha256(body));
  });
});

describe('Azurite', () => {
  const azure = useAzurite();

  test('takes a 20 MB block upload and returns the same bytes', async () => {
    const container = azure().client.getContainerClient(await azure().createContainer('harness'));
    const body = randomBytes(20 * 1024 * 1024);
    const blob = container.getBlockBlobClient('big/object.bin');
    await blob.uploadStream(Readable.from([body]), 4 * 1024 * 1024, 2);
    const back = await blob.downloadToBuffer();
    expect(back.length).toBe(body.length);
    expect(sha256(back)).toBe(sha256(body));
  });
});
