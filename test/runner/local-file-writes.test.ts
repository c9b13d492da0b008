import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { StoreConflictError } from '../../src/runner/backup-store';
import { FileBackupStore } from '../../src/runner/file-backup-store';
import { GrowingFileReader } from '../../src/runner/growing-file-reader';
import { S3BackupStore, signBodiesOnlyWithoutTls } from '../../src/runner/s3-backup-store';
import { uploadStream } from '../../src/runner/s3-multipart-upload';
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
  const PART = 5 * 1024 * 1024;

  /** The runner's S3 client for a server, with every command it sends recorded (with its signature headers). */
  function clientOf(s3: S3Server) {
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
    const sent: Array<{ command: string; bodyHash: string; signedHeaders: string }> = [];
    // The deserialize step sees the request as it was sent: signed.
    client.middlewareStack.add((next, context) => async (args) => {
      const headers = (args.request as { headers: Record<string, string> }).headers;
      sent.push({
        command: context.commandName ?? '',
        bodyHash: headers['x-amz-content-sha256'],
        signedHeaders: /SignedHeaders=([^,]+)/.exec(headers.authorization)?.[1] ?? '',
      });
      return next(args);
    }, { step: 'deserialize', name: 'recordSentHeaders' });
    const stored = async (key: string): Promise<Buffer | undefined> => {
      try {
        const got = await client.send(new GetObjectCommand({ Bucket: 'bodies', Key: key }));
        return Buffer.from(await got.Body!.transformToByteArray());
      } catch (error) {
        if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
        throw error;
      }
    };
    return { client, sent, commands: () => sent.map((request) => request.command), stored };
  }

  /** `body` as a stream of odd-sized chunks, as a pipe delivers it, then `end` (the end, an error, or nothing: it stalls). */
  function streamOf(body: Buffer, end: 'end' | Error | 'stall' = 'end'): Readable {
    let offset = 0;
    return new Readable({
      read() {
        if (offset < body.length) {
          this.push(body.subarray(offset, offset + 65_537));
          offset += 65_537;
        } else if (end === 'end') {
          this.push(null);
        } else if (end instanceof Error) {
          this.destroy(end);
        }
      },
    });
  }

  const body = Buffer.alloc(11 * 1024 * 1024, 'backup bytes ');
  let n = 0;
  const newKey = () => `k-${Date.now()}-${n++}`;

  test('over HTTPS leaves the parts\' bodies out of the signature, and stores them byte for byte', async () => {
    const { client, sent, stored } = clientOf(tls());
    try {
      const key = newKey();
      await uploadStream({ client, bucket: 'bodies', key, body: streamOf(body), partSize: PART, concurrency: 2 });
      const parts = sent.filter((request) => request.command === 'UploadPartCommand');
      expect(parts.map((part) => part.bodyHash)).toEqual(['UNSIGNED-PAYLOAD', 'UNSIGNED-PAYLOAD', 'UNSIGNED-PAYLOAD']);
      expect(parts.every((part) => part.signedHeaders.split(';').includes('x-amz-content-sha256'))).toBe(true);
      expect((await stored(key))?.equals(body)).toBe(true);
    } finally {
      client.destroy();
    }
  });

  test('over plain HTTP still signs every part\'s SHA-256', async () => {
    const { client, sent, stored } = clientOf(plain());
    try {
      const key = newKey();
      await uploadStream({ client, bucket: 'bodies', key, body: streamOf(body), partSize: PART, concurrency: 2 });
      const hashes = sent.filter((request) => request.command === 'UploadPartCommand').map((part) => part.bodyHash);
      expect(hashes).toHaveLength(3);
      for (const hash of hashes) expect(hash).toMatch(/^[0-9a-f]{64}$/);
      expect((await stored(key))?.equals(body)).toBe(true);
    } finally {
      client.destroy();
    }
  });

  test('the runner\'s store sends the parts on connections it keeps alive, no more than the parts in flight', async () => {
    // A client that asks for 100 Continue opens a new connection for every part (the SDK's handler gives such a request
    // an agent of its own): over HTTPS a TLS handshake on both ends, and over a real network round trips and a new TCP
    // window before the part's first byte. The store is the same over HTTP and HTTPS; plain HTTP lets it use its own agent.
    const server = plain();
    process.env.AWS_ACCESS_KEY_ID = server.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = server.secretAccessKey;
    process.env.AWS_REGION = server.region;
    const store = new S3BackupStore({ bucket: 'bodies', endpoint: server.endpoint, tuning: { partSizeBytes: PART, concurrency: 2 } });
    try {
      const key = newKey();
      const sevenParts = Buffer.concat([body, body, body.subarray(0, PART)]);
      const before = server.connectionsOpened();
      await store.putStream(key, streamOf(sevenParts));
      expect(server.connectionsOpened() - before).toBeLessThanOrEqual(3);
      expect((await store.getBytes(key))?.equals(sevenParts)).toBe(true);
    } finally {
      store.close();
    }
  });

  test('a body that fits in one part is one create-only PUT', async () => {
    const { client, commands, stored } = clientOf(tls());
    try {
      const key = newKey();
      const small = body.subarray(0, PART - 1);
      await uploadStream({ client, bucket: 'bodies', key, body: streamOf(small), partSize: PART, concurrency: 2 });
      expect(commands()).toEqual(['PutObjectCommand']);
      expect((await stored(key))?.equals(small)).toBe(true);
    } finally {
      client.destroy();
    }
  });

  test('a body that fails after some parts were stored leaves no object, and the multipart upload is aborted', async () => {
    const { client, commands, stored } = clientOf(tls());
    try {
      const key = newKey();
      const broken = new Error('pg_dump exited with status 1');
      await expect(uploadStream({ client, bucket: 'bodies', key, body: streamOf(body, broken), partSize: PART, concurrency: 2 }))
        .rejects.toBe(broken);
      expect(commands()).toContain('UploadPartCommand');
      expect(commands()).not.toContain('CompleteMultipartUploadCommand');
      expect(commands().at(-1)).toBe('AbortMultipartUploadCommand');
      expect(await stored(key)).toBeUndefined();
    } finally {
      client.destroy();
    }
  });

  test('the signal stops an upload whose body has stalled, and the multipart upload is aborted', async () => {
    const { client, commands, stored } = clientOf(tls());
    try {
      const key = newKey();
      const stop = new AbortController();
      const stalled = streamOf(body.subarray(0, PART + 1), 'stall');
      const upload = uploadStream({ client, bucket: 'bodies', key, body: stalled, partSize: PART, concurrency: 2, signal: stop.signal });
      while (!commands().includes('UploadPartCommand')) await new Promise((resolve) => setTimeout(resolve, 10));
      const reason = new Error('interrupted by SIGTERM');
      stop.abort(reason);
      await expect(upload).rejects.toBe(reason);
      expect(commands().at(-1)).toBe('AbortMultipartUploadCommand');
      expect(await stored(key)).toBeUndefined();
    } finally {
      client.destroy();
    }
  });
});

async function collect(keys: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const key of keys) all.push(key);
  return all.sort();
}
