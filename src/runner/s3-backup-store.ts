import type { Readable } from 'node:stream';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { partSizeFor, type BackupStore, type PutBytesOptions, type PutStreamOptions, type UploadTuning } from './backup-store';
import { RunnerError, errorMessage } from './runner-error';

/** Settings of the S3 client. */
export interface S3BackupStoreOptions {
  /** The bucket. */
  readonly bucket: string;
  /**
   * An S3-compatible endpoint (path-style addressing is used with it).
   * @default - AWS S3, from the SDK's region and endpoint resolution
   */
  readonly endpoint?: string;
  /** Streaming upload settings. */
  readonly tuning: UploadTuning;
}

/** Most parts of one S3 multipart upload. */
const S3_MAX_PARTS = 10_000;

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}

/** Backups in an S3 bucket, with the AWS SDK's default credential chain. */
export class S3BackupStore implements BackupStore {
  public readonly description: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly tuning: UploadTuning;

  constructor(options: S3BackupStoreOptions) {
    this.bucket = options.bucket;
    this.tuning = options.tuning;
    this.description = `s3://${options.bucket}${options.endpoint ? ` at ${options.endpoint}` : ''}`;
    const config: S3ClientConfig = options.endpoint
      ? {
        endpoint: options.endpoint,
        forcePathStyle: true,
        // S3-compatible stores (s3rver among them) predate the SDK's default CRC checksums on every request.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      }
      : {};
    this.client = new S3Client(config);
  }

  private async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  private async refuseExisting(key: string): Promise<void> {
    // AWS S3 enforces IfNoneMatch itself; S3-compatible stores such as s3rver ignore the header, so the
    // key is also checked first. Keys carry a random backup id, so the window between the two is moot.
    if (await this.exists(key)) {
      throw new RunnerError(`s3://${this.bucket}/${key} already exists; backup objects are never overwritten`);
    }
  }

  public async putStream(key: string, body: Readable, options: PutStreamOptions = {}): Promise<void> {
    await this.refuseExisting(key);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body, IfNoneMatch: '*' },
      partSize: partSizeFor(this.tuning, S3_MAX_PARTS, options.expectedBytes),
      queueSize: options.concurrency ?? this.tuning.concurrency,
      leavePartsOnError: false,
    });
    const abort = () => void upload.abort().catch(() => undefined);
    options.signal?.addEventListener('abort', abort, { once: true });
    // A failed body does not always reach lib-storage's reader (it may be waiting on a part upload), so
    // the upload is aborted from here too; lib-storage then aborts the multipart upload on the server.
    body.once('error', abort);
    try {
      await upload.done();
    } catch (error) {
      await upload.abort().catch(() => undefined);
      if (options.signal?.aborted || error instanceof RunnerError) throw error;
      throw new RunnerError(`uploading s3://${this.bucket}/${key} failed (the multipart upload was aborted): ${errorMessage(error)}`, { cause: error });
    } finally {
      options.signal?.removeEventListener('abort', abort);
      body.off('error', abort);
    }
  }

  public async putBytes(key: string, data: Buffer, options: PutBytesOptions = {}): Promise<void> {
    if (!options.overwrite) await this.refuseExisting(key);
    await this.client.send(new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      Body: data,
      ContentLength: data.length,
      ContentType: 'application/json',
      ...(options.overwrite ? {} : { IfNoneMatch: '*' }),
    }));
  }

  public async getStream(key: string, signal?: AbortSignal): Promise<Readable> {
    try {
      const result = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: signal });
      return result.Body as Readable;
    } catch (error) {
      if (isNotFound(error)) throw new RunnerError(`s3://${this.bucket}/${key} does not exist`);
      throw error;
    }
  }

  public async getBytes(key: string): Promise<Buffer | undefined> {
    try {
      const result = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return Buffer.from(await result.Body!.transformToByteArray());
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  public async *list(prefix: string): AsyncIterable<string> {
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) if (object.Key) yield object.Key;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  public close(): void {
    this.client.destroy();
  }
}
