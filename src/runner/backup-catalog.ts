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

/** Objects of a backup that has no manifest: a dump still running, or one that failed or was interrupted. */
export interface PartialCatalogEntry {
  /** The database. */
  readonly database: string;
  /** The backup id. */
  readonly backupId: string;
  /** How many objects it has. */
  readonly objects: number;
}

/** The backups under a location: the complete ones, the broken ones and the partial ones. */
export interface BackupCatalog {
  /** Complete backups, by database, then oldest snapshot first. */
  readonly backups: CatalogBackup[];
  /** Manifests that cannot be read, by database and backup id. */
  readonly broken: BrokenCatalogEntry[];
  /** Backup folders without a manifest, by database and backup id. */
  readonly partial: PartialCatalogEntry[];
}

/** How a broken entry reads for a person, the same in every command's table. */
export function describeBrokenEntry(entry: BrokenCatalogEntry): string {
  return `broken: ${entry.database} ${entry.backupId}: ${entry.reason}`;
}

/** How a partial entry reads for a person, the same in every command's table. */
export function describePartialEntry(entry: PartialCatalogEntry): string {
  return `partial: ${entry.database} ${entry.backupId}: ${entry.objects} object(s), no manifest (running, failed or interrupted)`;
}

/** Manifests read at the same time. */
const PARALLEL_READS = 8;

/** Every backup folder under the layout's prefix (of one database, if given): its manifest key, if any, and its other objects. */
async function scanBackupFolders(
  store: BackupStore, layout: BackupLayout, database?: string,
): Promise<{ entries: CatalogEntry[]; partial: PartialCatalogEntry[] }> {
  const prefix = database === undefined ? layout.rootPrefix : `${layout.databaseFolder(database)}/`;
  const folders = new Map<string, { database: string; backupId: string; objects: number; manifestKey?: string }>();
  for await (const key of store.list(prefix)) {
    const parsed = layout.parseObjectKey(key);
    if (!parsed || !isBackupId(parsed.backupId) || (database !== undefined && parsed.database !== database)) continue;
    const id = `${parsed.database}/${parsed.backupId}`;
    const folder = folders.get(id) ?? { database: parsed.database, backupId: parsed.backupId, objects: 0 };
    if (parsed.name === MANIFEST_NAME) folder.manifestKey = key;
    else folder.objects += 1;
    folders.set(id, folder);
  }
  const byName = (a: { database: string; backupId: string }, b: { database: string; backupId: string }) =>
    a.database.localeCompare(b.database) || a.backupId.localeCompare(b.backupId);
  const entries: CatalogEntry[] = [];
  const partial: PartialCatalogEntry[] = [];
  for (const folder of folders.values()) {
    if (folder.manifestKey === undefined) partial.push({ database: folder.database, backupId: folder.backupId, objects: folder.objects });
    else entries.push({ database: folder.database, backupId: folder.backupId, manifestKey: folder.manifestKey });
  }
  return { entries: entries.sort(byName), partial: partial.sort(byName) };
}

/** Every manifest key under the layout's prefix (of one database, if given), by database and backup id. */
export async function listBackups(store: BackupStore, layout: BackupLayout, database?: string): Promise<CatalogEntry[]> {
  return (await scanBackupFolders(store, layout, database)).entries;
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
 * Reads every manifest under the layout's prefix (of one database, if given): the one reader of `list`, `status`
 * and the commands that pick a backup. A manifest that cannot be read as one becomes a broken entry with the
 * reason, and a folder without a manifest a partial one; neither ever fails the listing of the others.
 */
export async function readCatalog(store: BackupStore, layout: BackupLayout, database?: string): Promise<BackupCatalog> {
  const { entries, partial } = await scanBackupFolders(store, layout, database);
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
  return { backups, broken, partial };
}

/** The complete backup of a database with the newest snapshot, or `undefined` when it has none. */
export async function newestBackup(store: BackupStore, layout: BackupLayout, database: string): Promise<CatalogBackup | undefined> {
  return newestSnapshot((await readCatalog(store, layout, database)).backups);
}

/** The databases under the location with a folder of this backup id (complete or not). */
async function databasesHolding(store: BackupStore, layout: BackupLayout, backupId: string): Promise<string[]> {
  const { entries, partial } = await scanBackupFolders(store, layout);
  return [...new Set([...entries, ...partial].filter((entry) => entry.backupId === backupId).map((entry) => entry.database))];
}

/**
 * Why a backup named by its id has no manifest, in the operator's terms: its dump never finished (its folder holds
 * objects but no manifest), it is a backup of another database, or there is no such backup; with the backup to
 * take instead.
 */
async function missingBackupError(store: BackupStore, layout: BackupLayout, database: string, backupId: string): Promise<RunnerError> {
  const { entries, partial } = await scanBackupFolders(store, layout);
  const newest = newestSnapshot((await readCatalog(store, layout, database)).backups);
  const instead = newest
    ? `the newest complete backup of ${database} is ${newest.backupId} (--latest takes it)`
    : `there is no complete backup of ${database} there`;
  const folder = `${store.description}/${layout.backupFolder(database, backupId)}/`;
  const unfinished = partial.find((entry) => entry.database === database && entry.backupId === backupId);
  if (unfinished) {
    return new RunnerError(`backup ${backupId} of ${database} is incomplete: ${folder} holds ${unfinished.objects} object(s) but no manifest `
      + `(its dump is still running, or failed or was interrupted), so it is never verified or restored; ${instead}`);
  }
  const elsewhere = [...new Set([...entries, ...partial].filter((entry) => entry.backupId === backupId).map((entry) => entry.database))];
  if (elsewhere.length > 0) {
    return new UsageError(`backup ${backupId} is not a backup of ${database}: it is one of ${elsewhere.join(', ')} `
      + `(choose it with --database ${elsewhere[0]}); ${instead}`);
  }
  return new RunnerError(`there is no backup ${backupId} of ${database} under ${store.description}/${layout.databaseFolder(database)} `
    + `(no folder of that id under any database there: deleted by prune, or a typo); ${instead}`);
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
  if (database === undefined && selection.backupId !== undefined) {
    // A backup id names one backup wherever it is (its random part is unique): its folder says whose it is.
    const holders = await databasesHolding(store, layout, selection.backupId);
    if (holders.length === 1) database = holders[0];
    if (holders.length === 0) {
      throw new RunnerError(`there is no backup ${selection.backupId} under ${store.description}/${layout.rootPrefix} `
        + '(no folder of that id under any database there: deleted by prune, or a typo); pg-backup list shows the backups there');
    }
  }
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
  if (!read) throw await missingBackupError(store, layout, database, selection.backupId);
  if (!('manifest' in read)) throw new RunnerError(`backup ${selection.backupId} of ${database} cannot be used: ${store.description}/${manifestKey} is broken (${read.reason})`);
  return { manifest: read.manifest, manifestKey };
}
