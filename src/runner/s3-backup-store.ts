import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import {
  conflictIsOwnWrite, DeleteRefusedError, partSizeFor, StoreConflictError,
  type BackupStore, type DeleteOutcome, type PutBytesOptions, type PutStreamOptions, type UploadTuning, type VersionedBytes,
} from './backup-store';
import { RunnerError, errorMessage } from './runner-error';
import { uploadStream } from './s3-multipart-upload';
import { StoreReachability } from './store-unreachable';

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

/** The commands that carry a backup's bytes (an object that fits in one part is sent as one PutObject). */
const BODY_COMMANDS = new Set(['UploadPartCommand', 'PutObjectCommand']);
/** The signature header that holds the SHA-256 of the body, or says the body is not part of the signature. */
const CONTENT_SHA256_HEADER = 'x-amz-content-sha256';

/**
 * Leaves the bodies of uploads out of the request signature when they travel over HTTPS (`UNSIGNED-PAYLOAD`, which S3
 * accepts over TLS only): otherwise the signer computes a SHA-256 of every part, a second pass over the whole backup
 * beside the runner's own SHA-256 for the manifest, about 1.5 CPU s per GB on one core. The bytes stay protected: TLS
 * in transit, the checksum the SDK adds to every part on AWS S3 (CRC32, which S3 checks), and the manifest's SHA-256
 * end to end, which verify and restore check. Over plain HTTP (a local S3-compatible store) bodies stay signed.
 */
export function signBodiesOnlyWithoutTls(client: S3Client, endpoint: string | undefined): void {
  if (endpoint !== undefined && !/^https:/i.test(endpoint)) return;
  client.middlewareStack.add((next, context) => async (args) => {
    const request = args.request as { headers?: Record<string, string> };
    if (BODY_COMMANDS.has(context.commandName ?? '') && request.headers
      && !Object.keys(request.headers).some((name) => name.toLowerCase() === CONTENT_SHA256_HEADER)) {
      request.headers[CONTENT_SHA256_HEADER] = 'UNSIGNED-PAYLOAD';
    }
    return next(args);
  }, { step: 'build', priority: 'low', name: 'pgBackupUnsignedBodiesOverTls' });
}

/** Most parts of one S3 multipart upload. */
const S3_MAX_PARTS = 10_000;

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

function isNotFound(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  return name === 'NotFound' || name === 'NoSuchKey' || statusOf(error) === 404;
}

/** A conditional header that did not hold (412), or a concurrent conditional write of the same key (409). */
function isConditionFailed(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  return name === 'PreconditionFailed' || name === 'ConditionalRequestConflict' || statusOf(error) === 412 || statusOf(error) === 409;
}

/** Backups in an S3 bucket, with the AWS SDK's default credential chain. */
export class S3BackupStore implements BackupStore {
  public readonly description: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly tuning: UploadTuning;
  private readonly reach: StoreReachability;

  constructor(options: S3BackupStoreOptions) {
    this.bucket = options.bucket;
    this.tuning = options.tuning;
    this.reach = new StoreReachability(options.endpoint ?? 'AWS S3 (the SDK\'s regional endpoint)');
    this.description = `s3://${options.bucket}${options.endpoint ? ` at ${options.endpoint}` : ''}`;
    const config: S3ClientConfig = options.endpoint
      ? {
        endpoint: options.endpoint,
        forcePathStyle: true,
        // S3-compatible stores (s3rver among them) predate the SDK's default CRC checksums on every request.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      }
      // An offsite replica (pruned with --replica) is in another region than the task: follow S3's redirect to it.
      : { followRegionRedirects: true };
    // No `Expect: 100-continue` on bodies (the SDK asks for it above 2 MiB, so on every part): the SDK's handler gives
    // each such request a new agent that does not keep its connection alive, so every part opened a new connection
    // (over HTTPS a TLS handshake on both ends; on a real network round trips and a new TCP window before its first
    // byte). A part S3 refuses costs at most its 8 MiB sent for nothing; the upload fails either way.
    this.client = new S3Client({ ...config, expectContinueHeader: false });
    signBodiesOnlyWithoutTls(this.client, options.endpoint);
  }

  private describe(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  /** Whether the key exists; `action` says what it is asked for, in the message of a store that does not answer. */
  private async exists(key: string, action: string): Promise<boolean> {
    return this.reach.request(`${action} (checking whether it exists)`, async () => {
      try {
        await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw error;
      }
    });
  }

  private async refuseExisting(key: string, action: string): Promise<void> {
    // AWS S3 enforces IfNoneMatch itself; S3-compatible stores such as s3rver ignore the header, so the
    // key is also checked first. Keys carry a random backup id, so the window between the two is moot.
    if (await this.exists(key, action)) {
      throw new StoreConflictError(`${this.describe(key)} already exists; backup objects are never overwritten`);
    }
  }

  public async putStream(key: string, body: Readable, options: PutStreamOptions = {}): Promise<void> {
    await this.refuseExisting(key, `uploading ${this.describe(key)}`);
    let notAborted: { uploadId: string; abortFailure: unknown } | undefined;
    try {
      await uploadStream({
        client: this.client,
        bucket: this.bucket,
        key,
        body,
        partSize: partSizeFor(this.tuning, S3_MAX_PARTS, options.expectedBytes),
        concurrency: options.concurrency ?? this.tuning.concurrency,
        signal: options.signal,
        onNotAborted: (uploadId, abortFailure) => {
          notAborted = { uploadId, abortFailure };
        },
      });
      this.reach.markAnswered();
    } catch (error) {
      if (options.signal?.aborted || error instanceof RunnerError) throw error;
      const leftBehind = notAborted
        && `the multipart upload could not be aborted either (${errorMessage(this.reach.explain('aborting it', notAborted.abortFailure))}), so its parts `
          + 'stay in the bucket, billed, until a lifecycle rule aborts incomplete multipart uploads or a person does: '
          + `aws s3api abort-multipart-upload --bucket ${this.bucket} --key ${key} --upload-id ${notAborted.uploadId}`;
      const explained = this.reach.explain(`uploading ${this.describe(key)}`, error, `; ${leftBehind || 'the multipart upload was abandoned, so no partial object is left'}`);
      if (explained instanceof RunnerError) throw explained;
      throw new RunnerError(`uploading ${this.describe(key)} failed (${leftBehind || 'the multipart upload was aborted'}): ${errorMessage(error)}`, { cause: error });
    }
  }

  public async putBytes(key: string, data: Buffer, options: PutBytesOptions = {}): Promise<void> {
    if (options.replacing === undefined) await this.refuseExisting(key, `writing ${this.describe(key)}`);
    // One PUT: the object appears whole or not at all. AWS S3 enforces If-Match / If-None-Match itself;
    // stores that ignore them get the existence check above, and the caller's re-read-and-compare.
    await this.reach.request(`writing ${this.describe(key)}`, async () => {
      try {
        await this.client.send(new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: data,
          ContentLength: data.length,
          ContentType: 'application/json',
          ...(options.replacing === undefined ? { IfNoneMatch: '*' } : { IfMatch: options.replacing }),
        }));
      } catch (error) {
        if (isConditionFailed(error)) {
          if (await conflictIsOwnWrite((read) => this.getBytes(read), key, data)) return;
          throw new StoreConflictError(`${this.describe(key)} ${options.replacing === undefined ? 'already exists' : 'changed since it was read'}`, { cause: error });
        }
        throw error;
      }
    }, ' (the object was not written)');
  }

  public async getStream(key: string, signal?: AbortSignal): Promise<Readable> {
    return this.reach.request(`downloading ${this.describe(key)}`, async () => {
      try {
        const result = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: signal });
        return this.reach.explainStream(`downloading ${this.describe(key)}`, result.Body as Readable);
      } catch (error) {
        if (isNotFound(error)) throw new RunnerError(`${this.describe(key)} does not exist`);
        throw error;
      }
    });
  }

  public async getBytes(key: string): Promise<Buffer | undefined> {
    return (await this.getVersioned(key))?.data;
  }

  public async getVersioned(key: string): Promise<VersionedBytes | undefined> {
    return this.reach.request(`reading ${this.describe(key)}`, async () => {
      try {
        const result = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
        return { data: Buffer.from(await result.Body!.transformToByteArray()), version: result.ETag ?? '' };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    });
  }

  public async *list(prefix: string): AsyncIterable<string> {
    let token: string | undefined;
    do {
      const page = await this.reach.request(`listing s3://${this.bucket}/${prefix}`, () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token })));
      for (const object of page.Contents ?? []) if (object.Key) yield object.Key;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  public async setTags(key: string, tags: Readonly<Record<string, string>>): Promise<void> {
    await this.reach.request(`tagging ${this.describe(key)}`, () => this.client.send(new PutObjectTaggingCommand({
      Bucket: this.bucket, Key: key, Tagging: { TagSet: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
    })));
  }

  public async delete(key: string): Promise<DeleteOutcome> {
    return this.reach.request(`deleting ${this.describe(key)}`, async () => {
      try {
        const result = await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
        // In a versioned bucket (every bucket the constructs create) the delete only adds a marker: the object stays as
        // a noncurrent version until the lifecycle expires it, and an Object Lock keeps it until its date.
        return { dataRetained: result.DeleteMarker === true };
      } catch (error) {
        if (statusOf(error) === 403 || (error as { name?: string })?.name === 'AccessDenied') {
          throw new DeleteRefusedError(`${this.describe(key)} cannot be deleted: ${errorMessage(error)} `
            + '(an Object Lock retention or legal hold, or a policy that forbids the delete)', { cause: error });
        }
        throw error;
      }
    });
  }

  public close(): void {
    this.client.destroy();
  }
}
