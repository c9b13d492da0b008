import type { Logger } from 'pino';
import { backupClassTags, classifyBackup } from '../core';
import { readCatalog } from './backup-catalog';
import { MANIFEST_NAME, type BackupLayout } from './backup-layout';
import type { BackupManifest } from './backup-manifest';
import type { BackupStore } from './backup-store';
import { errorMessage } from './runner-error';
import { snapshotPositionOf } from './snapshot-order';

/** Objects tagged at the same time. */
const PARALLEL_TAGS = 8;

/**
 * The manifest of a new backup with its classes of grandfather-father-son retention, decided from the complete
 * backups of its database already in the store: the first good backup of its UTC day, ISO week, month and year.
 */
export async function classifyNewBackup(store: BackupStore, layout: BackupLayout, manifest: BackupManifest): Promise<BackupManifest> {
  const { backups } = await readCatalog(store, layout, manifest.database);
  const earlier = backups.filter((backup) => backup.backupId !== manifest.backupId).map((backup) => new Date(backup.snapshotAt));
  return { ...manifest, retentionClasses: classifyBackup(new Date(snapshotPositionOf(manifest).snapshotAt), earlier) };
}

/**
 * Tags every object of a written backup, its manifest too, with its longest class (S3 object tags, Azure blob index
 * tags; a directory keeps none), so lifecycle rules and a person browsing the bucket can tell them apart. A tag that
 * cannot be written is logged and left out: the backup is complete, and its manifest, which a prune reads, records
 * the classes anyway. Returns how many objects were tagged.
 */
export async function tagBackupObjects(store: BackupStore, layout: BackupLayout, manifest: BackupManifest, logger: Logger): Promise<number> {
  const tags = backupClassTags(manifest.retentionClasses ?? []);
  const keys = [...manifest.objects.map((object) => object.name), MANIFEST_NAME]
    .map((name) => layout.objectKey(manifest.database, manifest.backupId, name));
  let next = 0;
  const failures: string[] = [];
  const worker = async () => {
    for (let index = next++; index < keys.length; index = next++) {
      await store.setTags(keys[index], tags).catch((error: unknown) => failures.push(`${keys[index]}: ${errorMessage(error)}`));
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_TAGS, keys.length) }, worker));
  if (failures.length > 0) {
    logger.warn({ failures: failures.slice(0, 5), count: failures.length }, 'some objects of the backup could not be tagged with its class; its manifest records it');
  }
  return keys.length - failures.length;
}
