import type { Readable } from 'node:stream';
import { RunnerError } from './runner-error';

/** Options of a streaming write. */
export interface PutStreamOptions {
  /**
   * Stops the write and discards what was sent so far.
   * @default - runs to the end of the body
   */
  readonly signal?: AbortSignal;
  /**
   * Parts (S3) or blocks (Azure) in flight for this object, when several objects upload at once.
   * @default - the store's {@link UploadTuning.concurrency}
   */
  readonly concurrency?: number;
  /**
   * A generous estimate of the object's size, so the part size can grow enough to stay within the
   * store's part-count limit (10,000 parts on S3, 50,000 blocks on Azure).
   * @default - the store's {@link UploadTuning.partSizeBytes} is used as it is
   */
  readonly expectedBytes?: number;
}

/** Options of a small write. */
export interface PutBytesOptions {
  /**
   * Replace the object only while it still has this version (from {@link BackupStore.getVersioned}): a
   * compare-and-swap, so two runs updating one pointer cannot silently undo each other.
   * @default - create only: the write fails with a {@link StoreConflictError} when the key exists
   */
  readonly replacing?: string;
}

/**
 * A new object that a program writes in place, as a local file, so its bytes never pass through the runner; it
 * becomes an object of the store, under its key, only once committed.
 */
export interface StagedFile {
  /** The file while it is written (a temporary name beside the object's, never listed). */
  readonly path: string;
  /** Its descriptor, open for writing, to hand to the program as its stdout. */
  readonly fd: number;
  /** Flushes the file to disk and gives it the object's name, create-only: an existing object is never replaced. */
  commit(): Promise<void>;
  /** Removes the file (after a failure); nothing is left under the object's name. */
  discard(): Promise<void>;
}

/** A small object and the version it had when it was read. */
export interface VersionedBytes {
  /** The whole object. */
  readonly data: Buffer;
  /** Its version (an ETag, or a digest of the content), to hand to {@link PutBytesOptions.replacing}. */
  readonly version: string;
}

/** A conditional write lost: the key exists (create-only) or changed since it was read (replace). */
export class StoreConflictError extends RunnerError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'StoreConflictError';
  }
}

/**
 * Whether a conditional write that the store refused as a conflict had in fact landed: the SDKs send a write again when
 * its answer was lost (a connection reset after the store stored it), and the store then refuses the repeat because
 * the first one changed the key. The key holding exactly the bytes written (a manifest or pointer names its own backup
 * id, so no other run writes the same bytes) means the write is done, and the conflict is its own echo.
 */
export async function conflictIsOwnWrite(read: (key: string) => Promise<Buffer | undefined>, key: string, data: Buffer): Promise<boolean> {
  const now = await read(key).catch(() => undefined);
  return now !== undefined && now.equals(data);
}

/**
 * A delete the store refused for the object's protection: an S3 Object Lock retention or legal hold, an Azure
 * immutability policy, a directory entry the file system will not remove. The object stays; a prune reports it.
 */
export class DeleteRefusedError extends RunnerError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'DeleteRefusedError';
  }
}

/** What became of a deleted key. */
export interface DeleteOutcome {
  /**
   * The key is gone from listings but its data stays until the store's protection and lifecycle allow (a versioned
   * S3 bucket keeps the object as a noncurrent version behind a delete marker; Object Lock keeps it until its date).
   */
  readonly dataRetained: boolean;
}

/**
 * An object store holding backups: an S3 bucket, an Azure Blob container or a directory. Keys are
 * `/`-separated and absolute within the store (they include the location's prefix).
 */
export interface BackupStore {
  /** Where the store is, for logs and messages (never with credentials). */
  readonly description: string;
  /**
   * Streams `body` into a new object at `key`. Fails when the key exists, when the body fails or when
   * the signal aborts; in every failure the partial object is discarded (the multipart upload aborted,
   * the staged blocks left uncommitted, the partial file removed).
   */
  putStream(key: string, body: Readable, options?: PutStreamOptions): Promise<void>;
  /**
   * Opens a new object at `key` as a local file for a program to write itself (stores that hold objects as local
   * files only). Fails when the key exists.
   * @default - not offered: the object is streamed with {@link putStream}
   */
  stageFile?(key: string): Promise<StagedFile>;
  /**
   * Writes a small object so that it appears whole or not at all (one PUT; a temporary file renamed into
   * place), never overwriting unless `replacing` names the version it replaces. A failed write leaves nothing.
   */
  putBytes(key: string, data: Buffer, options?: PutBytesOptions): Promise<void>;
  /** A stream of the object's bytes; fails with a message naming the key when it does not exist. */
  getStream(key: string, signal?: AbortSignal): Promise<Readable>;
  /** The whole object, or `undefined` when it does not exist. */
  getBytes(key: string): Promise<Buffer | undefined>;
  /** The whole object with its version, or `undefined` when it does not exist. */
  getVersioned(key: string): Promise<VersionedBytes | undefined>;
  /** Every key that starts with `prefix`, in no particular order. */
  list(prefix: string): AsyncIterable<string>;
  /**
   * Replaces the tags of an existing object (S3 object tags, Azure blob index tags); a directory keeps none and
   * does nothing.
   */
  setTags(key: string, tags: Readonly<Record<string, string>>): Promise<void>;
  /**
   * Deletes an object; a key that does not exist is no error. Fails with a {@link DeleteRefusedError} when the store's
   * protection refuses (Object Lock, an immutability policy, a file that cannot be removed).
   */
  delete(key: string): Promise<DeleteOutcome>;
  /** Releases connections. */
  close(): void;
}

/** Throughput settings of streaming uploads, which also bound the memory they use (partSize × concurrency). */
export interface UploadTuning {
  /** Bytes per part (S3) or block (Azure). */
  readonly partSizeBytes: number;
  /** Parts uploaded at the same time. */
  readonly concurrency: number;
}

/**
 * The part size for an object: the configured one, or more when the object could otherwise need more
 * than `maxParts` parts (rounded up to whole MiB, with a 10% margin).
 */
export function partSizeFor(tuning: UploadTuning, maxParts: number, expectedBytes?: number): number {
  if (expectedBytes === undefined) return tuning.partSizeBytes;
  const mib = 1024 * 1024;
  const needed = Math.ceil(expectedBytes / (maxParts * 0.9) / mib) * mib;
  return Math.max(tuning.partSizeBytes, needed);
}

/** Joins key segments with `/`, ignoring empty ones (an empty location prefix). */
export function joinKey(...segments: string[]): string {
  return segments.filter((segment) => segment !== '').join('/');
}
