import { isBackupId } from './backup-id';
import { MANIFEST_NAME, type BackupLayout } from './backup-layout';
import { parseManifest, type BackupManifest } from './backup-manifest';
import type { BackupStore } from './backup-store';
import { errorMessage } from './runner-error';

/** A backup whose manifest was read: complete. */
export interface CompleteBackup {
  /** Entry kind. */
  readonly state: 'complete';
  /** The database. */
  readonly database: string;
  /** The backup id. */
  readonly backupId: string;
  /** Key of its manifest. */
  readonly manifestKey: string;
  /** Its manifest. */
  readonly manifest: BackupManifest;
}

/** A backup whose manifest is there but cannot be read (empty, torn, not a manifest). */
export interface BrokenBackup {
  /** Entry kind. */
  readonly state: 'broken';
  /** The database. */
  readonly database: string;
  /** The backup id. */
  readonly backupId: string;
  /** Key of its manifest. */
  readonly manifestKey: string;
  /** Why it cannot be read. */
  readonly problem: string;
}

/** Objects of a backup that has no manifest: a dump still running, or one that failed or was interrupted. */
export interface PartialBackup {
  /** Entry kind. */
  readonly state: 'partial';
  /** The database. */
  readonly database: string;
  /** The backup id. */
  readonly backupId: string;
  /** How many objects it has. */
  readonly objects: number;
}

/** One backup folder found under a location. */
export type SurveyedBackup = CompleteBackup | BrokenBackup | PartialBackup;

/**
 * Every backup folder under the layout's prefix, sorted by database and backup id (oldest first): complete ones with
 * their manifest, broken ones (a manifest that cannot be read) with the reason, and partial ones (objects without a
 * manifest). One unreadable manifest never hides the other backups.
 */
export async function surveyBackups(store: BackupStore, layout: BackupLayout): Promise<SurveyedBackup[]> {
  const folders = new Map<string, { database: string; backupId: string; objects: number; manifestKey?: string }>();
  for await (const key of store.list(layout.rootPrefix)) {
    const parts = key.slice(layout.rootPrefix.length).split('/');
    if (parts.length < 3 || !isBackupId(parts[1])) continue;
    let database: string;
    try {
      database = decodeURIComponent(parts[0]);
    } catch {
      continue;
    }
    const folderKey = `${parts[0]}/${parts[1]}`;
    const folder = folders.get(folderKey) ?? { database, backupId: parts[1], objects: 0 };
    if (parts.length === 3 && parts[2] === MANIFEST_NAME) folder.manifestKey = key;
    else folder.objects += 1;
    folders.set(folderKey, folder);
  }
  const entries: SurveyedBackup[] = [];
  for (const folder of folders.values()) {
    const { database, backupId, manifestKey } = folder;
    if (manifestKey === undefined) {
      entries.push({ state: 'partial', database, backupId, objects: folder.objects });
      continue;
    }
    try {
      const data = await store.getBytes(manifestKey);
      if (!data) throw new Error('it disappeared while the location was read');
      if (data.length === 0) throw new Error('it is empty (0 bytes)');
      entries.push({ state: 'complete', database, backupId, manifestKey, manifest: parseManifest(data, manifestKey) });
    } catch (error) {
      entries.push({ state: 'broken', database, backupId, manifestKey, problem: errorMessage(error) });
    }
  }
  return entries.sort((a, b) => a.database.localeCompare(b.database) || a.backupId.localeCompare(b.backupId));
}
