import { Transform, type Readable } from 'node:stream';
import { DefaultAzureCredential } from '@azure/identity';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import {
  conflictIsOwnWrite, DeleteRefusedError, partSizeFor, StoreConflictError,
  type BackupStore, type DeleteOutcome, type PutBytesOptions, type PutStreamOptions, type UploadTuning, type VersionedBytes,
} from './backup-store';
import { RunnerError, errorMessage } from './runner-error';
import { StoreReachability } from './store-unreachable';

/** Settings of the Azure Blob client. */
export interface AzureBlobBackupStoreOptions {
  /** Storage account name (used for the endpoint when no connection string is given). */
  readonly account: string;
  /** Container name. */
  readonly container: string;
  /**
   * A storage connection string (`AZURE_STORAGE_CONNECTION_STRING`).
   * @default - `https://<account>.blob.core.windows.net` with `DefaultAzureCredential` (managed identity, workload identity, CLI…)
   */
  readonly connectionString?: string;
  /** Streaming upload settings. */
  readonly tuning: UploadTuning;
}

/** Most blocks of one block blob. */
const AZURE_MAX_BLOCKS = 50_000;

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number })?.statusCode;
}

/** Backups in an Azure Blob Storage container. */
export class AzureBlobBackupStore implements BackupStore {
  public readonly description: string;
  private readonly container: ContainerClient;
  private readonly tuning: UploadTuning;
  private readonly reach: StoreReachability;

  constructor(options: AzureBlobBackupStoreOptions) {
    this.tuning = options.tuning;
    const service = options.connectionString
      ? BlobServiceClient.fromConnectionString(options.connectionString)
      : new BlobServiceClient(`https://${options.account}.blob.core.windows.net`, new DefaultAzureCredential());
    this.container = service.getContainerClient(options.container);
    this.description = `azblob://${options.account}/${options.container}`;
    this.reach = new StoreReachability(service.url.replace(/\/$/, ''));
  }

  private describe(key: string): string {
    return `${this.description}/${key}`;
  }

  private conflict(key: string, error: unknown, replacing?: string): unknown {
    const status = statusOf(error);
    if (status === 409 || status === 412) {
      const what = replacing === undefined ? 'already exists; backup objects are never overwritten' : 'changed since it was read';
      return new StoreConflictError(`${this.describe(key)} ${what}`, { cause: error });
    }
    return error;
  }

  public async putStream(key: string, body: Readable, options: PutStreamOptions = {}): Promise<void> {
    const blob = this.container.getBlockBlobClient(key);
    // What was sent, to know a commit that landed when its answer was lost (the SDK's repeat of it is refused).
    let sent = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        sent += chunk.length;
        callback(null, chunk);
      },
    });
    body.once('error', (error) => counted.destroy(error));
    body.pipe(counted);
    // Blocks are staged first and only a final commit makes the blob exist, so a failed or aborted
    // upload leaves no blob; the service drops uncommitted blocks after a week.
    try {
      const blockSize = partSizeFor(this.tuning, AZURE_MAX_BLOCKS, options.expectedBytes);
      await blob.uploadStream(counted, blockSize, options.concurrency ?? this.tuning.concurrency, {
        abortSignal: options.signal,
        conditions: { ifNoneMatch: '*' },
        blobHTTPHeaders: { blobContentType: 'application/octet-stream' },
      });
    } catch (error) {
      const conflict = this.conflict(key, error);
      // The key is new (its folder is a fresh backup id): a blob there of every byte sent is this upload's own commit.
      if (conflict instanceof StoreConflictError && !options.signal?.aborted && counted.readableEnded
        && (await blob.getProperties().then((properties) => properties.contentLength, () => undefined)) === sent) {
        this.reach.markAnswered();
        return;
      }
      if (options.signal?.aborted || conflict instanceof RunnerError) throw conflict;
      const explained = this.reach.explain(`uploading ${this.describe(key)}`, error, '; no block was committed, so no partial blob is left');
      if (explained instanceof RunnerError) throw explained;
      throw new RunnerError(`uploading ${this.describe(key)} failed (no block was committed): ${errorMessage(error)}`, { cause: error });
    }
    this.reach.markAnswered();
  }

  public async putBytes(key: string, data: Buffer, options: PutBytesOptions = {}): Promise<void> {
    // One Put Blob: the blob appears whole or not at all, and Blob Storage enforces the ETag conditions.
    await this.reach.request(`writing ${this.describe(key)}`, async () => {
      try {
        await this.container.getBlockBlobClient(key).upload(data, data.length, {
          conditions: options.replacing === undefined ? { ifNoneMatch: '*' } : { ifMatch: options.replacing },
          blobHTTPHeaders: { blobContentType: 'application/json' },
        });
      } catch (error) {
        const conflict = this.conflict(key, error, options.replacing);
        if (conflict instanceof StoreConflictError && await conflictIsOwnWrite((read) => this.getBytes(read), key, data)) return;
        throw conflict;
      }
    }, ' (the blob was not written)');
  }

  public async getStream(key: string, signal?: AbortSignal): Promise<Readable> {
    return this.reach.request(`downloading ${this.describe(key)}`, async () => {
      try {
        const response = await this.container.getBlobClient(key).download(0, undefined, { abortSignal: signal });
        return this.reach.explainStream(`downloading ${this.describe(key)}`, response.readableStreamBody as Readable);
      } catch (error) {
        if (statusOf(error) === 404) throw new RunnerError(`${this.describe(key)} does not exist`);
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
        const response = await this.container.getBlobClient(key).download();
        const chunks: Buffer[] = [];
        for await (const chunk of response.readableStreamBody as Readable) chunks.push(chunk as Buffer);
        return { data: Buffer.concat(chunks), version: response.etag ?? '' };
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    });
  }

  public async *list(prefix: string): AsyncIterable<string> {
    const pages = this.container.listBlobsFlat({ prefix }).byPage();
    for (;;) {
      const page = await this.reach.request(`listing ${this.describe(prefix)}`, () => pages.next());
      if (page.done) return;
      for (const blob of page.value.segment.blobItems) yield blob.name;
    }
  }

  public async setTags(key: string, tags: Readonly<Record<string, string>>): Promise<void> {
    await this.reach.request(`tagging ${this.describe(key)}`, () => this.container.getBlobClient(key).setTags({ ...tags }));
  }

  public async delete(key: string): Promise<DeleteOutcome> {
    return this.reach.request(`deleting ${this.describe(key)}`, async () => {
      try {
        await this.container.getBlobClient(key).deleteIfExists({ deleteSnapshots: 'include' });
        return { dataRetained: false };
      } catch (error) {
        const code = (error as { code?: string })?.code ?? '';
        if (statusOf(error) === 403 || /Immutab|LegalHold/i.test(code)) {
          throw new DeleteRefusedError(`${this.describe(key)} cannot be deleted: ${code || errorMessage(error)} `
            + '(an immutability policy or legal hold, or a role that may not delete)', { cause: error });
        }
        throw error;
      }
    });
  }

  public close(): void {
    // The Azure SDK's HTTP agent holds no sockets open between requests that would keep the process alive.
  }
}
