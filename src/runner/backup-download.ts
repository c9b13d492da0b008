import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { explainMissingProgram } from './archive-pipe';
import { CUSTOM_DUMP_NAME, DIRECTORY_DUMP_NAME, type BackupLayout } from './backup-layout';
import type { BackupManifest, ManifestObject } from './backup-manifest';
import type { BackupStore } from './backup-store';
import { ToolProcess } from './child-process';
import { DigestingStream } from './content-digest';
import { RunnerError, errorMessage } from './runner-error';
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
): Promise<void> {
  const digest = new DigestingStream();
  onDigest(digest);
  const source = await store.getStream(key, signal);
  if (object.compression) {
    // Decompressed while it downloads: the program writes the archive itself, the runner only passes on (and hashes) the stored bytes.
    const method = object.compression;
    const decompressor = new ToolProcess(method, decompressorArgv(method, file), { pipeStdin: true, signal });
    const decompressed = decompressor.exited.catch((error: unknown) => {
      throw new RunnerError(`${key} does not decompress with ${method}: ${errorMessage(explainMissingProgram(error, method))}`, { cause: error });
    });
    decompressor.stdin!.on('error', () => undefined);
    try {
      await Promise.all([pipeline(source, digest, decompressor.stdin!, { signal }).catch(async (error: unknown) => {
        // A decompressor that stopped reading explains the broken pipe better than the pipe does.
        await decompressed;
        throw error;
      }), decompressed]);
    } catch (error) {
      // A damaged object also fails to decompress; what the manifest proves (size, sha256) names the cause better.
      if (!signal?.aborted) checkAgainstManifest(key, object, digest);
      throw error;
    }
  } else {
    await pipeline(source, digest, fs.createWriteStream(file), { signal });
  }
  checkAgainstManifest(key, object, digest);
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
): Promise<void> {
  if (object.compression) await requireCompressionProgram(object.compression);
  await downloadObject(store, layout.objectKey(manifest.database, manifest.backupId, object.name), object, file, signal, () => undefined);
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
): Promise<DownloadedArchive> {
  const dumps = manifest.objects.filter((object) => object.role === 'dump');
  for (const method of new Set(dumps.map((object) => object.compression))) if (method) await requireCompressionProgram(method);
  const keyOf = (object: ManifestObject) => layout.objectKey(manifest.database, manifest.backupId, object.name);
  const bytes = dumps.reduce((sum, object) => sum + object.bytes, 0);
  if (manifest.format === 'custom') {
    const object = dumps.find((candidate) => candidate.name === CUSTOM_DUMP_NAME || candidate.compression) ?? dumps[0];
    const file = path.join(directory, CUSTOM_DUMP_NAME);
    await downloadObject(store, keyOf(object), object, file, signal, onDigest);
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
      const local = object.compression ? decompressedName(name, object.compression) : name;
      await downloadObject(store, keyOf(object), object, path.join(archivePath, local), signal, onDigest);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_FILES, dumps.length) }, () => worker()));
  return { archivePath, bytes };
}
