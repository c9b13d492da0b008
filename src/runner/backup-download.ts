import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AgeDecryptError, decryptedName, readableForm, type AgeIdentities } from './age-encryption';
import { CUSTOM_DUMP_NAME, DIRECTORY_DUMP_NAME, type BackupLayout } from './backup-layout';
import type { BackupManifest, ManifestObject } from './backup-manifest';
import type { BackupStore } from './backup-store';
import { ToolProcess } from './child-process';
import { DigestingStream } from './content-digest';
import { MissingProgramError, requireProgram } from './required-programs';
import { RunnerError, ScratchDiskError, errorMessage } from './runner-error';
import { localWriteFailureReason } from './scratch-write-failure';
import { decompressedName, decompressorArgv, requireCompressionProgram } from './stream-compression';

/** Files of a directory-format backup downloaded at the same time. */
const PARALLEL_FILES = 4;

/** A backup's dump, on local disk and proven against its manifest. */
export interface DownloadedArchive {
  /** What to hand to pg_restore: the custom-format file or the directory. */
  readonly archivePath: string;
  /** Bytes downloaded. */
  readonly bytes: number;
}

async function downloadObject(
  store: BackupStore,
  key: string,
  object: ManifestObject,
  file: string,
  signal: AbortSignal | undefined,
  onDigest: (digest: DigestingStream) => void,
  identities: AgeIdentities | undefined,
): Promise<void> {
  if (object.encryption && !identities) throw new RunnerError(`${key} is encrypted with age, and no identity was given to decrypt it`);
  const digest = new DigestingStream();
  onDigest(digest);
  const stored = await store.getStream(key, signal);
  let readFailure: { error: unknown } | undefined;
  stored.once('error', (error) => {
    readFailure = { error };
  });
  try {
    await writeArchiveFile(await readableForm(stored, digest, object.encryption ? identities : undefined), key, object, file, signal);
  } catch (error) {
    if (signal?.aborted) throw error instanceof AgeDecryptError ? error.cause : error;
    // The store went away in the middle: what the decompressor or age then says of the cut-off bytes is not the cause.
    if (readFailure) throw stoppedDownload(key, object, digest, readFailure.error);
    // A local disk that refuses the write stops the download early too: that is no sign of a damaged object.
    const localFailure = scratchWriteFailure(error, key, file);
    if (localFailure) throw localFailure;
    // A damaged object also fails to decrypt or decompress; what the manifest proves (size, sha256) names the cause
    // better. An encrypted one fails at the first changed chunk, before the digest has seen it all.
    if (error instanceof AgeDecryptError) {
      if (digest.writableFinished) checkAgainstManifest(key, object, digest);
      throw undecryptable(key, error, identities);
    }
    if (object.compression) checkAgainstManifest(key, object, digest);
    throw error;
  }
  checkAgainstManifest(key, object, digest);
}

/**
 * Writes a file the restore needs beside the downloaded archive (a `--use-list` of pg_restore): while the download
 * fills the same scratch disk, whichever write the disk refuses first is reported as the disk's failure.
 */
export async function writeScratchFile(file: string, text: string): Promise<void> {
  try {
    await fs.promises.writeFile(file, text);
  } catch (error) {
    throw scratchWriteFailure(error, `the restore list ${path.basename(file)}`, file) ?? error;
  }
}

/**
 * The failure to report when `error` says the scratch disk refused to take the downloaded object (full, over quota,
 * read-only), whoever wrote it (Node or a decompressor); `undefined` otherwise.
 */
export function scratchWriteFailure(error: unknown, key: string, file: string): ScratchDiskError | undefined {
  const message = errorMessage(error);
  const reason = localWriteFailureReason(message);
  if (reason === undefined) return undefined;
  return new ScratchDiskError(`cannot write ${key} into the scratch directory ${path.dirname(file)}: ${reason}; the local disk failed, `
    + 'not the backup: give --scratch-dir (env PG_BACKUP_SCRATCH_DIR) a disk with room for the backup\'s decompressed dump '
    + `(${message})`, { cause: error });
}

/** A download the store stopped in its middle: the store's own explanation when it has one, else how far it got. */
function stoppedDownload(key: string, object: ManifestObject, digest: DigestingStream, error: unknown): unknown {
  if (error instanceof RunnerError) return error;
  return new RunnerError(`the download of ${key} stopped after ${digest.bytes} of ${object.bytes} bytes: ${errorMessage(error)}`, { cause: error });
}

/** Says that an object does not decrypt, and what that means: the identity was checked against the manifest before. */
function undecryptable(key: string, error: unknown, identities: AgeIdentities | undefined): RunnerError {
  return new RunnerError(`${key} does not decrypt with the age identity in ${identities?.source ?? 'none'}: ${errorMessage(error)} `
    + '(the object is damaged or was changed after the backup was written)', { cause: error });
}

/** Writes what pg_restore reads into `file`: `source` itself, or decompressed by the program the manifest names. */
async function writeArchiveFile(source: Readable, key: string, object: ManifestObject, file: string, signal: AbortSignal | undefined): Promise<void> {
  if (object.compression) {
    // Decompressed while it downloads: the program writes the archive itself, the runner only passes on (and hashes) the stored bytes.
    const method = object.compression;
    const decompressor = new ToolProcess(method, decompressorArgv(method, file), { pipeStdin: true, signal });
    const decompressed = decompressor.exited.catch((error: unknown) => {
      if (error instanceof MissingProgramError) throw error;
      throw new RunnerError(`${key} does not decompress with ${method}: ${errorMessage(error)}`, { cause: error });
    });
    decompressor.stdin!.on('error', () => undefined);
    const [piped, done] = await Promise.allSettled([pipeline(source, decompressor.stdin!, { signal }), decompressed]);
    // An object that does not decrypt is the cause of what follows; else a decompressor that stopped reading explains
    // the broken pipe better than the pipe does.
    if (piped.status === 'rejected' && piped.reason instanceof AgeDecryptError) throw piped.reason;
    if (done.status === 'rejected') throw done.reason;
    if (piped.status === 'rejected') throw piped.reason;
  } else {
    await pipeline(source, fs.createWriteStream(file), { signal });
  }
}

/** Throws when the stored bytes differ from what the manifest records. */
function checkAgainstManifest(key: string, object: ManifestObject, digest: DigestingStream): void {
  // Size first: a short object is a truncated upload or a damaged store, which says more than a digest mismatch.
  if (digest.bytes !== object.bytes) {
    throw new RunnerError(`${key} is truncated or damaged: ${digest.bytes} bytes where the manifest records ${object.bytes}`);
  }
  if (digest.sha256 !== object.sha256) {
    throw new RunnerError(`${key} does not match its manifest: sha256 ${digest.sha256}, expected ${object.sha256}`);
  }
}

/**
 * Fails, before any work, when a program that decompresses the backup's objects (zstd, lz4) is missing: a restore
 * should not create its target or its scratch database only to find it cannot read the archive.
 */
export function requireDecompressionPrograms(manifest: BackupManifest): void {
  for (const method of new Set(manifest.objects.map((object) => object.compression))) {
    if (method) requireProgram(method, { neededFor: `backup ${manifest.backupId} is compressed with ${method}, which verify and restore decompress it with` });
  }
}

/**
 * Downloads one object of a backup (such as its `globals.sql`) into `file`, checked against the manifest's size
 * and SHA-256 as it streams, and decompressed when the runner compressed it.
 */
export async function downloadBackupObject(
  store: BackupStore,
  layout: BackupLayout,
  manifest: BackupManifest,
  object: ManifestObject,
  file: string,
  signal?: AbortSignal,
  identities?: AgeIdentities,
): Promise<void> {
  if (object.compression) await requireCompressionProgram(object.compression);
  await downloadObject(store, layout.objectKey(manifest.database, manifest.backupId, object.name), object, file, signal, () => undefined, identities);
}

/** Where {@link downloadArchive} writes a custom-format backup's archive in `directory` (it may follow the file while it is written). */
export function customArchivePath(directory: string): string {
  return path.join(directory, CUSTOM_DUMP_NAME);
}

/**
 * Downloads the dump objects of a backup into `directory`, checking each object's size and SHA-256
 * against the manifest as it streams, and decompressing the objects the runner compressed. pg_restore
 * gets a seekable local file, which `-j` needs.
 */
export async function downloadArchive(
  store: BackupStore,
  layout: BackupLayout,
  manifest: BackupManifest,
  directory: string,
  signal?: AbortSignal,
  onDigest: (digest: DigestingStream) => void = () => undefined,
  identities?: AgeIdentities,
): Promise<DownloadedArchive> {
  const dumps = manifest.objects.filter((object) => object.role === 'dump');
  for (const method of new Set(dumps.map((object) => object.compression))) if (method) await requireCompressionProgram(method);
  const keyOf = (object: ManifestObject) => layout.objectKey(manifest.database, manifest.backupId, object.name);
  const bytes = dumps.reduce((sum, object) => sum + object.bytes, 0);
  if (manifest.format === 'custom') {
    const object = dumps.find((candidate) => decryptedName(candidate.name) === CUSTOM_DUMP_NAME || candidate.compression) ?? dumps[0];
    const file = customArchivePath(directory);
    await downloadObject(store, keyOf(object), object, file, signal, onDigest, identities);
    return { archivePath: file, bytes };
  }
  const archivePath = path.join(directory, DIRECTORY_DUMP_NAME);
  await fs.promises.mkdir(archivePath, { recursive: true });
  const queue = [...dumps];
  const worker = async () => {
    for (let object = queue.shift(); object !== undefined; object = queue.shift()) {
      const name = object.name.slice(DIRECTORY_DUMP_NAME.length + 1);
      if (!object.name.startsWith(`${DIRECTORY_DUMP_NAME}/`) || name.includes('/') || name.startsWith('.')) {
        throw new RunnerError(`the manifest names an unexpected dump object ${JSON.stringify(object.name)}`);
      }
      const stored = object.encryption ? decryptedName(name) : name;
      const local = object.compression ? decompressedName(stored, object.compression) : stored;
      await downloadObject(store, keyOf(object), object, path.join(archivePath, local), signal, onDigest, identities);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_FILES, dumps.length) }, () => worker()));
  return { archivePath, bytes };
}
