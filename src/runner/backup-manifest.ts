import { BACKUP_CLASSES, type BackupClass, type LogicalDumpPolicy } from '../core';
import { RunnerError } from './runner-error';
import { STREAM_COMPRESSION_METHODS, type StreamCompressionMethod } from './stream-compression';

/** One object of a backup and the proof of its content. */
export interface ManifestObject {
  /** Name relative to the backup's folder, e.g. `dump.pgdump`, `dump/toc.dat`, `globals.sql`. */
  readonly name: string;
  /** What it holds. */
  readonly role: 'dump' | 'globals';
  /** Size in bytes. */
  readonly bytes: number;
  /** SHA-256 of the content, lowercase hex. */
  readonly sha256: string;
  /**
   * The program the object was compressed with as it streamed (pg_dump 15 and older cannot use zstd or lz4
   * themselves): decompress it (`zstd -d`, `lz4 -d`) to get what pg_restore reads.
   * @default - stored as the tool wrote it
   */
  readonly compression?: StreamCompressionMethod;
  /**
   * The object is an age file (after compression): `age -d -i key.txt` gives the compressed (or pg_dump's) bytes.
   * Its {@link bytes} and {@link sha256} are those of the age file, what is stored.
   * @default - stored unencrypted
   */
  readonly encryption?: 'age';
}

/** How a backup is encrypted, as its manifest records it: no secret, only what says which keys can read it. */
export interface ManifestEncryption {
  /** The format: the age file format (age-encryption.org/v1), one age file per object. */
  readonly format: 'age';
  /**
   * The age public keys (recipients, `age1…`) every object is encrypted to. A public key is its own fingerprint:
   * `age-keygen -y key.txt` prints the one of a key file, so an operator can tell which key opens a backup.
   */
  readonly recipients: string[];
}

/** The row count of one table in the dump's snapshot. */
export interface TableRowCount {
  /** Schema name. */
  readonly schema: string;
  /** Table name. */
  readonly table: string;
  /** Rows (exact, or the planner's estimate in `estimate` mode). */
  readonly rows: number;
}

/** Row counts taken in the dump's own snapshot. */
export interface ManifestRowCounts {
  /** How they were taken; only `exact` counts are compared after a restore. */
  readonly mode: 'exact' | 'estimate' | 'off';
  /** Per table, for every table whose data is in the dump. */
  readonly tables: TableRowCount[];
  /** Sum over the tables. */
  readonly totalRows: number;
}

/**
 * The record of one complete backup. It is written only after every object is complete, so a
 * backup without a manifest is an abandoned one and is never listed, verified or restored.
 */
export interface BackupManifest {
  /** Version of this document's shape. */
  readonly manifestVersion: 1;
  /** The backup id (also the name of its folder). */
  readonly backupId: string;
  /** The database dumped. */
  readonly database: string;
  /** When the dump started (ISO 8601), by the runner's clock. */
  readonly startedAt: string;
  /**
   * When the dump's snapshot was taken (ISO 8601), by the database server's clock: `clock_timestamp()`
   * read in the statement that exported the snapshot, so the snapshot is at most this old. Backups of one
   * database are ordered by it; `latest` only ever moves to a newer one.
   * @default - absent in manifests written before it was recorded; {@link startedAt} stands in for it
   */
  readonly snapshotAt?: string;
  /** When the last object was complete (ISO 8601). */
  readonly finishedAt: string;
  /** Wall time of the whole dump, in seconds. */
  readonly durationSeconds: number;
  /** The server dumped. */
  readonly server: { readonly version: string; readonly versionNum: number; readonly databaseSizeBytes: number };
  /** Versions of the tools that wrote the backup. */
  readonly tools: { readonly pgDump: string; readonly pgDumpall?: string; readonly runner: string };
  /** Archive format. */
  readonly format: 'custom' | 'directory';
  /** The dump options, as rendered into pg_dump's argv. */
  readonly dumpOptions: LogicalDumpPolicy;
  /** Every object with its size and SHA-256. */
  readonly objects: ManifestObject[];
  /** Sum of the objects' sizes. */
  readonly totalBytes: number;
  /** Row counts from the dump's snapshot. */
  readonly rowCounts: ManifestRowCounts;
  /**
   * How the objects are encrypted. The manifest itself stays readable (list, status and latest read it): it holds
   * metadata only, no data of the database.
   * @default - not encrypted
   */
  readonly encryption?: ManifestEncryption;
  /**
   * Its classes of grandfather-father-son retention, decided when it was written: the first good backup of its UTC
   * day (`daily`), ISO week (`weekly`), UTC month (`monthly`), UTC year (`yearly`). Also stored as the objects' tag.
   * @default - absent in manifests written before classes were recorded; a prune derives them from the snapshot times
   */
  readonly retentionClasses?: BackupClass[];
}

function fail(source: string, why: string): never {
  throw new RunnerError(`${source} is not a valid backup manifest: ${why}`);
}

/** Reads and checks a manifest; `source` names the object in error messages. */
export function parseManifest(data: Buffer, source: string): BackupManifest {
  if (data.length === 0) fail(source, 'it is empty (0 bytes), the trace of a write that never finished');
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString('utf8'));
  } catch (error) {
    fail(source, `not JSON (${(error as Error).message})`);
  }
  const manifest = parsed as Partial<BackupManifest>;
  if (typeof manifest !== 'object' || manifest === null) fail(source, 'not an object');
  if (manifest.manifestVersion !== 1) fail(source, `manifestVersion is ${JSON.stringify(manifest.manifestVersion)}; this runner reads version 1`);
  if (typeof manifest.backupId !== 'string' || typeof manifest.database !== 'string') fail(source, 'backupId and database must be strings');
  for (const field of ['startedAt', 'finishedAt', 'snapshotAt'] as const) {
    const value = manifest[field];
    if ((value !== undefined || field !== 'snapshotAt') && (typeof value !== 'string' || Number.isNaN(Date.parse(value)))) {
      fail(source, `${field} is ${JSON.stringify(value)}, not a time`);
    }
  }
  if (manifest.format !== 'custom' && manifest.format !== 'directory') fail(source, `format is ${JSON.stringify(manifest.format)}`);
  if (!Array.isArray(manifest.objects) || !manifest.objects.some((object) => object?.role === 'dump')) fail(source, 'it lists no dump object');
  for (const object of manifest.objects) {
    if (typeof object.name !== 'string' || !Number.isSafeInteger(object.bytes) || !/^[0-9a-f]{64}$/.test(String(object.sha256))) {
      fail(source, `object ${JSON.stringify(object)} needs a name, a byte count and a SHA-256`);
    }
    if (object.compression !== undefined && !STREAM_COMPRESSION_METHODS.includes(object.compression)) {
      fail(source, `object ${object.name} is compressed with ${JSON.stringify(object.compression)}; this runner reads ${STREAM_COMPRESSION_METHODS.join(' and ')}`);
    }
    if (object.encryption !== undefined && (object.encryption !== 'age' || !manifest.encryption)) {
      fail(source, `object ${object.name} is encrypted with ${JSON.stringify(object.encryption)}; this runner reads age, recorded in the manifest's encryption`);
    }
  }
  const encryption = manifest.encryption;
  if (encryption !== undefined) {
    if (encryption?.format !== 'age' || !Array.isArray(encryption.recipients) || encryption.recipients.length === 0
      || !encryption.recipients.every((recipient) => typeof recipient === 'string')) {
      fail(source, `encryption is ${JSON.stringify(encryption)}; this runner reads { format: "age", recipients: ["age1…"] }`);
    }
    const plain = manifest.objects.find((object) => object.encryption !== 'age');
    if (plain) fail(source, `the backup is encrypted, but object ${plain.name} is not`);
  }
  if (manifest.retentionClasses !== undefined
    && (!Array.isArray(manifest.retentionClasses) || !manifest.retentionClasses.every((name) => BACKUP_CLASSES.includes(name)))) {
    fail(source, `retentionClasses is ${JSON.stringify(manifest.retentionClasses)}; allowed: a list of ${BACKUP_CLASSES.join(', ')}`);
  }
  const counts = manifest.rowCounts;
  if (!counts || !Array.isArray(counts.tables) || !['exact', 'estimate', 'off'].includes(counts.mode)) fail(source, 'rowCounts is missing or malformed');
  for (const entry of counts.tables) {
    if (typeof entry.schema !== 'string' || typeof entry.table !== 'string' || !Number.isSafeInteger(entry.rows)) {
      fail(source, `row count ${JSON.stringify(entry)} needs a schema, a table and a whole number of rows`);
    }
  }
  return manifest as BackupManifest;
}

/** The pointer a database's `latest` object holds. */
export interface LatestPointer {
  /** The complete backup with the newest snapshot. */
  readonly backupId: string;
  /** When it finished (ISO 8601), so an alarm can read the backup's age from one small object. */
  readonly finishedAt: string;
  /**
   * Its {@link BackupManifest.snapshotAt} (or `startedAt` for a manifest without one), which the next
   * dump compares its own with before it moves the pointer.
   * @default - absent in pointers written before it was recorded; the named manifest is read instead
   */
  readonly snapshotAt?: string;
}

/** Reads a `latest` pointer. */
export function parseLatestPointer(data: Buffer, source: string): LatestPointer {
  try {
    const pointer = JSON.parse(data.toString('utf8')) as LatestPointer;
    if (typeof pointer.backupId === 'string') return pointer;
  } catch {
    // Reported below with the object's name.
  }
  throw new RunnerError(`${source} is not a valid latest pointer`);
}
