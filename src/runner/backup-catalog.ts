import { isBackupId } from './backup-id';
import { MANIFEST_NAME, type BackupLayout } from './backup-layout';
import { parseManifest, type BackupManifest } from './backup-manifest';
import type { BackupStore } from './backup-store';
import { RunnerError, UsageError, errorMessage } from './runner-error';
import { compareSnapshots, newestSnapshot, snapshotPositionOf } from './snapshot-order';

/** A backup's manifest key in a store. */
export interface CatalogEntry {
  /** The database. */
  readonly database: string;
  /** The backup id. */
  readonly backupId: string;
  /** Key of its manifest. */
  readonly manifestKey: string;
}

/** A complete backup: its manifest was read and is valid. */
export interface CatalogBackup extends CatalogEntry {
  /** The manifest. */
  readonly manifest: BackupManifest;
  /** When its snapshot was taken (the manifest's `snapshotAt`, or `startedAt` when it has none). */
  readonly snapshotAt: string;
}

/**
 * A manifest that is there but cannot be used (empty, torn, not JSON, not a manifest, or naming another
 * backup). It is shown, so an operator can look at it, and never verified, restored or named by `latest`.
 */
export interface BrokenCatalogEntry extends CatalogEntry {
  /** Why it cannot be used. */
  readonly reason: string;
}

/** The backups under a location: the complete ones and the broken ones. */
export interface BackupCatalog {
  /** Complete backups, by database, then oldest snapshot first. */
  readonly backups: CatalogBackup[];
  /** Manifests that cannot be read, by database and backup id. */
  readonly broken: BrokenCatalogEntry[];
}

/** Manifests read at the same time. */
const PARALLEL_READS = 8;

/** Every manifest key under the layout's prefix (of one database, if given), by database and backup id. */
export async function listBackups(store: BackupStore, layout: BackupLayout, database?: string): Promise<CatalogEntry[]> {
  const prefix = database === undefined ? layout.rootPrefix : `${layout.databaseFolder(database)}/`;
  const entries: CatalogEntry[] = [];
  for await (const key of store.list(prefix)) {
    const parsed = layout.parseManifestKey(key);
    if (parsed && isBackupId(parsed.backupId) && (database === undefined || parsed.database === database)) {
      entries.push({ ...parsed, manifestKey: key });
    }
  }
  return entries.sort((a, b) => a.database.localeCompare(b.database) || a.backupId.localeCompare(b.backupId));
}

/** Reads one manifest: the backup, a broken entry, or `undefined` when it vanished since it was listed (pruned). */
async function readEntry(store: BackupStore, entry: CatalogEntry): Promise<CatalogBackup | BrokenCatalogEntry | undefined> {
  // A store that cannot be read fails the whole catalog (a network failure is not a broken backup).
  const data = await store.getBytes(entry.manifestKey);
  if (data === undefined) return undefined;
  try {
    const manifest = parseManifest(data, entry.manifestKey);
    if (manifest.backupId !== entry.backupId || manifest.database !== entry.database) {
      return { ...entry, reason: `it describes backup ${manifest.backupId} of ${manifest.database}, not the backup of its folder` };
    }
    return { ...entry, manifest, snapshotAt: snapshotPositionOf(manifest).snapshotAt };
  } catch (error) {
    return { ...entry, reason: errorMessage(error) };
  }
}

/**
 * Reads every manifest under the layout's prefix (of one database, if given). A manifest that cannot be
 * read as one becomes a broken entry with the reason; it never fails the listing of the others.
 */
export async function readCatalog(store: BackupStore, layout: BackupLayout, database?: string): Promise<BackupCatalog> {
  const entries = await listBackups(store, layout, database);
  const read: (CatalogBackup | BrokenCatalogEntry | undefined)[] = new Array(entries.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < entries.length; index = next++) read[index] = await readEntry(store, entries[index]);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, entries.length) }, worker));
  const backups: CatalogBackup[] = [];
  const broken: BrokenCatalogEntry[] = [];
  for (const outcome of read) {
    if (outcome === undefined) continue;
    if ('manifest' in outcome) backups.push(outcome);
    else broken.push(outcome);
  }
  backups.sort((a, b) => a.database.localeCompare(b.database) || compareSnapshots(a, b));
  return { backups, broken };
}

/** The complete backup of a database with the newest snapshot, or `undefined` when it has none. */
export async function newestBackup(store: BackupStore, layout: BackupLayout, database: string): Promise<CatalogBackup | undefined> {
  return newestSnapshot((await readCatalog(store, layout, database)).backups);
}

/** Which backup to use: an id, or the newest complete one of a database. */
export interface BackupSelection {
  /**
   * The database whose backups to look at.
   * @default - the only database under the location (an error when there are several)
   */
  readonly database?: string;
  /**
   * A backup id.
   * @default - the complete backup with the newest snapshot (`--latest`)
   */
  readonly backupId?: string;
}

/**
 * Finds and reads the manifest of the selected backup. Without an id it is the complete backup with the
 * newest snapshot, found among the manifests: the `latest` pointer may lag behind one (a dump whose last
 * step, moving the pointer, failed), and a broken manifest is passed over.
 */
export async function findBackup(
  store: BackupStore,
  layout: BackupLayout,
  selection: BackupSelection,
): Promise<{ manifest: BackupManifest; manifestKey: string }> {
  let database = selection.database;
  if (database === undefined) {
    const databases = [...new Set((await listBackups(store, layout)).map((entry) => entry.database))];
    if (databases.length === 0) throw new RunnerError(`no complete backup (no ${MANIFEST_NAME}) under ${store.description}/${layout.rootPrefix}`);
    if (databases.length > 1) throw new UsageError(`backups of several databases are there (${databases.join(', ')}); choose one with --database`);
    database = databases[0];
  }
  if (selection.backupId === undefined) {
    const catalog = await readCatalog(store, layout, database);
    const newest = newestSnapshot(catalog.backups);
    if (!newest) {
      const broken = catalog.broken.length > 0 ? `; ${catalog.broken.length} broken manifest(s): ${catalog.broken.map((entry) => `${entry.manifestKey} (${entry.reason})`).join('; ')}` : '';
      throw new RunnerError(`no complete backup of ${database} under ${store.description}/${layout.databaseFolder(database)}${broken}`);
    }
    return { manifest: newest.manifest, manifestKey: newest.manifestKey };
  }
  const manifestKey = layout.manifestKey(database, selection.backupId);
  const read = await readEntry(store, { database, backupId: selection.backupId, manifestKey });
  if (!read) throw new RunnerError(`backup ${selection.backupId} of ${database} has no manifest (${store.description}/${manifestKey}): it is incomplete or does not exist`);
  if (!('manifest' in read)) throw new RunnerError(`backup ${selection.backupId} of ${database} cannot be used: ${store.description}/${manifestKey} is broken (${read.reason})`);
  return { manifest: read.manifest, manifestKey };
}
