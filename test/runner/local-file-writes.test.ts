import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { StoreConflictError } from '../../src/runner/backup-store';
import { FileBackupStore } from '../../src/runner/file-backup-store';
import { GrowingFileReader } from '../../src/runner/growing-file-reader';
import { signBodiesOnlyWithoutTls } from '../../src/runner/s3-backup-store';
import { useS3, type S3Server } from '../support/s3';

const filesIn = (directory: string): string[] => fs.readdirSync(directory, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile()).map((entry) => path.relative(directory, path.join(entry.parentPath, entry.name))).sort();

describe('a backup object a program writes in place in a local directory', () => {
  let directory: string;
  let store: FileBackupStore;
  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-staged-'));
    store = new FileBackupStore(directory);
  });
  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  test('gets its name only once committed, holding exactly the bytes written', async () => {
    const staged = await store.stageFile('db/b1/dump.pgdump');
    fs.writeSync(staged.fd, 'PGDMP archive bytes');
    expect(await collect(store.list('db/'))).toEqual([]);
    await staged.commit();
    expect(await collect(store.list('db/'))).toEqual(['db/b1/dump.pgdump']);
    expect(fs.readFileSync(path.join(directory, 'db', 'b1', 'dump.pgdump'), 'utf8')).toBe('PGDMP archive bytes');
    expect(filesIn(directory)).toEqual([path.join('db', 'b1', 'dump.pgdump')]);
  });

  test('is refused before anything is written when its key exists', async () => {
    await store.putBytes('db/b1/dump.pgdump', Buffer.from('earlier'));
    await expect(store.stageFile('db/b1/dump.pgdump')).rejects.toThrow(StoreConflictError);
    expect(filesIn(directory)).toEqual([path.join('db', 'b1', 'dump.pgdump')]);
  });

  test('never replaces an object that appeared while it was written, and leaves no file of its own', async () => {
    const staged = await store.stageFile('db/b1/dump.pgdump');
    fs.writeSync(staged.fd, 'new');
    await store.putBytes('db/b1/dump.pgdump', Buffer.from('earlier'));
    await expect(staged.commit()).rejects.toThrow(/already exists; backup objects are never overwritten/);
    expect(fs.readFileSync(path.join(directory, 'db', 'b1', 'dump.pgdump'), 'utf8')).toBe('earlier');
    expect(filesIn(directory)).toEqual([path.join('db', 'b1', 'dump.pgdump')]);
  });

  test('leaves nothing behind when discarded', async () => {
    const staged = await store.stageFile('db/b1/dump.pgdump');
    fs.writeSync(staged.fd, 'partial');
    await staged.discard();
    expect(filesIn(directory)).toEqual([]);
  });
});

describe('a file read while another process still writes it', () => {
  test('yields every byte in order, and ends only once the writer has finished', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-growing-'));
    try {
      const file = path.join(directory, 'growing');
      const fd = fs.openSync(file, 'w');
      const pieces = Array.from({ length: 5 }, (_, i) => Buffer.alloc(3000 + i, 65 + i));
      fs.writeSync(fd, pieces[0]);
      const reader = new GrowingFileReader(file, 4096);
      const read: Buffer[] = [];
      let ended = false;
      reader.on('data', (chunk: Buffer) => read.push(chunk));
      const done = new Promise<void>((resolve, reject) => reader.once('end', () => {
        ended = true;
        resolve();
      }).once('error', reject));
      for (const piece of pieces.slice(1)) {
        await new Promise((resolve) => setTimeout(resolve, 30));
        expect(ended).toBe(false);
        fs.writeSync(fd, piece);
      }
      fs.closeSync(fd);
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(ended).toBe(false);
      reader.finish();
      await done;
      expect(Buffer.concat(read).equals(Buffer.concat(pieces))).toBe(true);
      expect(reader.bytesRead).toBe(Buffer.concat(pieces).length);
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('an upload to S3', () => {
  const plain = useS3({ buckets: ['bodies'] });
  const tls = useS3({ buckets: ['bodies'], tls: true });

  /** Uploads `body` in 5 MiB parts and returns the signature header of every part and what the store holds then. */
  async function upload(s3: S3Server, body: Buffer): Promise<{ bodyHashes: string[]; signedHeaders: string[]; stored: Buffer }> {
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...(s3.caCertificate ? { requestHandler: { httpsAgent: new https.Agent({ ca: s3.caCertificate }) } } : {}),
    });
    signBodiesOnlyWithoutTls(client, s3.endpoint);
    const bodyHashes: string[] = [];
    const signedHeaders: string[] = [];
    // The deserialize step sees the request as it was sent: signed.
    client.middlewareStack.add((next, context) => async (args) => {
      const headers = (args.request as { headers: Record<string, string> }).headers;
      if (context.commandName === 'UploadPartCommand') {
        bodyHashes.push(headers['x-amz-content-sha256']);
        signedHeaders.push(/SignedHeaders=([^,]+)/.exec(headers.authorization)?.[1] ?? '');
      }
      return next(args);
    }, { step: 'deserialize', name: 'recordSentHeaders' });
    try {
      const key = `k-${Date.now()}`;
      await new Upload({ client, params: { Bucket: 'bodies', Key: key, Body: body }, partSize: 5 * 1024 * 1024, queueSize: 2 }).done();
      const got = await client.send(new GetObjectCommand({ Bucket: 'bodies', Key: key }));
      return { bodyHashes, signedHeaders, stored: Buffer.from(await got.Body!.transformToByteArray()) };
    } finally {
      client.destroy();
    }
  }

  const body = Buffer.alloc(11 * 1024 * 1024, 'backup bytes ');

  test('over HTTPS leaves the parts\' bodies out of the signature, and stores them byte for byte', async () => {
    const sent = await upload(tls(), body);
    expect(sent.bodyHashes).toEqual(['UNSIGNED-PAYLOAD', 'UNSIGNED-PAYLOAD', 'UNSIGNED-PAYLOAD']);
    expect(sent.signedHeaders.every((names) => names.split(';').includes('x-amz-content-sha256'))).toBe(true);
    expect(sent.stored.equals(body)).toBe(true);
  });

  test('over plain HTTP still signs every part\'s SHA-256', async () => {
    const sent = await upload(plain(), body);
    expect(sent.bodyHashes).toHaveLength(3);
    for (const hash of sent.bodyHashes) expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(sent.stored.equals(body)).toBe(true);
  });
});

async function collect(keys: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const key of keys) all.push(key);
  return all.sort();
}
