import { isBackupId } from './backup-id';
import type { BackupLayout } from './backup-layout';
import { parseLatestPointer, parseManifest, type BackupManifest } from './backup-manifest';
import type { BackupStore } from './backup-store';
import { RunnerError, UsageError } from './runner-error';

/** A complete backup found in a store. */
export interface CatalogEntry {
  /** The database. */
  readonly database: string;
  /** The backup id. */
  readonly backupId: string;
  /** Key of its manifest. */
  readonly manifestKey: string;
}

/** Every complete backup (every manifest) under the layout's prefix, oldest first. */
export async function listBackups(store: BackupStore, layout: BackupLayout): Promise<CatalogEntry[]> {
  const entries: CatalogEntry[] = [];
  for await (const key of store.list(layout.rootPrefix)) {
    const parsed = layout.parseManifestKey(key);
    if (parsed && isBackupId(parsed.backupId)) entries.push({ ...parsed, manifestKey: key });
  }
  return entries.sort((a, b) => a.database.localeCompare(b.database) || a.backupId.localeCompare(b.backupId));
}

/** Which backup to use: an id, or the `latest` pointer of a database. */
export interface BackupSelection {
  /**
   * The database whose backups to look at.
   * @default - the only database under the location (an error when there are several)
   */
  readonly database?: string;
  /**
   * A backup id.
   * @default - the database's `latest` pointer
   */
  readonly backupId?: string;
}

/** Finds and reads the manifest of the selected backup. */
export async function findBackup(
  store: BackupStore,
  layout: BackupLayout,
  selection: BackupSelection,
): Promise<{ manifest: BackupManifest; manifestKey: string }> {
  let database = selection.database;
  if (database === undefined) {
    const databases = [...new Set((await listBackups(store, layout)).map((entry) => entry.database))];
    if (databases.length === 0) throw new RunnerError(`no complete backup (no ${'manifest.json'}) under ${store.description}/${layout.rootPrefix}`);
    if (databases.length > 1) throw new UsageError(`backups of several databases are there (${databases.join(', ')}); choose one with --database`);
    database = databases[0];
  }
  let backupId = selection.backupId;
  if (backupId === undefined) {
    const latestKey = layout.latestKey(database);
    const pointer = await store.getBytes(latestKey);
    if (!pointer) throw new RunnerError(`no latest backup of ${database}: ${store.description}/${latestKey} does not exist`);
    backupId = parseLatestPointer(pointer, latestKey).backupId;
  }
  const manifestKey = layout.manifestKey(database, backupId);
  const data = await store.getBytes(manifestKey);
  if (!data) throw new RunnerError(`backup ${backupId} of ${database} has no manifest (${store.description}/${manifestKey}): it is incomplete or does not exist`);
  return { manifest: parseManifest(data, manifestKey), manifestKey };
}
