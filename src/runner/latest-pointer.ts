import { newestBackup, readCatalog, type BackupCatalog } from './backup-catalog';
import type { BackupLayout } from './backup-layout';
import { parseLatestPointer, parseManifest, type BackupManifest, type LatestPointer } from './backup-manifest';
import { StoreConflictError, type BackupStore, type VersionedBytes } from './backup-store';
import { compareSnapshots, snapshotPositionOf, type SnapshotPosition } from './snapshot-order';

/** What became of a database's `latest` pointer. */
export interface LatestUpdate {
  /** Whether this run moved it. */
  readonly moved: boolean;
  /** The backup it names now. */
  readonly backupId: string;
  /** The backup it named before, if any. */
  readonly previous?: string;
}

/** Attempts of the compare-and-swap before giving up (each lost attempt means another run moved the pointer). */
const MAX_ATTEMPTS = 20;

/** Where the backup a pointer names stands, or `undefined` when that cannot be known (garbage, or a missing or broken manifest). */
async function positionNamedBy(
  store: BackupStore, layout: BackupLayout, database: string, current: VersionedBytes,
): Promise<SnapshotPosition | undefined> {
  let pointer: LatestPointer;
  try {
    pointer = parseLatestPointer(current.data, layout.latestKey(database));
  } catch {
    return undefined;
  }
  if (typeof pointer.snapshotAt === 'string') return { backupId: pointer.backupId, snapshotAt: pointer.snapshotAt };
  // A pointer written before snapshot times were recorded: its manifest says.
  const data = await store.getBytes(layout.manifestKey(database, pointer.backupId));
  if (data === undefined) return undefined;
  try {
    return snapshotPositionOf(parseManifest(data, layout.manifestKey(database, pointer.backupId)));
  } catch {
    return undefined;
  }
}

function pointerTo(manifest: BackupManifest): Buffer {
  const latest: LatestPointer = { backupId: manifest.backupId, finishedAt: manifest.finishedAt, snapshotAt: snapshotPositionOf(manifest).snapshotAt };
  return Buffer.from(`${JSON.stringify(latest)}\n`);
}

/**
 * Points `latest` at `manifest`'s backup unless it names one with a newer snapshot: a compare-and-swap on
 * the pointer's version, retried when another run moved it in between.
 */
async function swapLatest(store: BackupStore, layout: BackupLayout, manifest: BackupManifest): Promise<LatestUpdate> {
  const key = layout.latestKey(manifest.database);
  const mine = snapshotPositionOf(manifest);
  for (let attempt = 1; ; attempt++) {
    const current = await store.getVersioned(key);
    const named = current && (await positionNamedBy(store, layout, manifest.database, current));
    if (named && compareSnapshots(named, mine) >= 0) return { moved: false, backupId: named.backupId, previous: named.backupId };
    try {
      await store.putBytes(key, pointerTo(manifest), { replacing: current?.version });
      return { moved: true, backupId: mine.backupId, previous: named?.backupId };
    } catch (error) {
      if (!(error instanceof StoreConflictError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

/**
 * Moves a database's `latest` pointer to a new complete backup, never backwards: only when the backup it
 * names has an older snapshot (or cannot be read). The pointer is replaced with a conditional write
 * (S3 `If-Match`/`If-None-Match`, Blob ETag conditions, a lock file in a directory). Stores that ignore
 * the conditions (some S3-compatible servers) are covered by a re-read and compare: after moving the
 * pointer, the manifests are read again, and if a complete backup with a newer snapshot appeared while
 * this one was moving the pointer (and so may have been overwritten), the pointer is moved on to it.
 */
export async function advanceLatest(store: BackupStore, layout: BackupLayout, manifest: BackupManifest): Promise<LatestUpdate> {
  const update = await swapLatest(store, layout, manifest);
  if (!update.moved) return update;
  const newest = await newestBackup(store, layout, manifest.database);
  if (newest && compareSnapshots(newest, snapshotPositionOf(manifest)) > 0) {
    const repaired = await swapLatest(store, layout, newest.manifest);
    return { moved: false, backupId: repaired.backupId, previous: update.previous };
  }
  return update;
}

/**
 * What is wrong with a database's `latest` pointer, checked against its complete backups (`completeBackupIds`), in
 * words for the operator; `undefined` when it names one of them, or when there is no pointer. Nothing here deletes or
 * moves anything: a pointer that names no complete backup is reported, and the next dump moves it on.
 */
export async function latestPointerProblem(
  store: BackupStore, layout: BackupLayout, database: string, completeBackupIds: readonly string[],
): Promise<string | undefined> {
  const key = layout.latestKey(database);
  const data = await store.getBytes(key);
  if (data === undefined) return undefined;
  let pointer: LatestPointer;
  try {
    pointer = parseLatestPointer(data, `${store.description}/${key}`);
  } catch (error) {
    return `${(error as Error).message}; backups are taken by their manifests, and the next dump rewrites it`;
  }
  if (completeBackupIds.includes(pointer.backupId)) return undefined;
  const newest = completeBackupIds.length > 0 ? `the newest complete backup is ${completeBackupIds[completeBackupIds.length - 1]}` : 'there is no complete backup';
  return `latest names backup ${pointer.backupId}, which has no complete manifest (deleted, damaged or never finished); `
    + `${newest}, which --latest takes; the next dump moves latest on`;
}

/**
 * {@link latestPointerProblem} of the database of a backup taken as the newest complete one (`--latest`), for the log of
 * verify and restore, which take the newest complete manifest whatever the pointer says.
 */
export async function latestProblemOf(store: BackupStore, layout: BackupLayout, database: string): Promise<string | undefined> {
  const complete = (await readCatalog(store, layout, database)).backups.map((backup) => backup.backupId);
  return latestPointerProblem(store, layout, database, complete);
}

/** {@link latestPointerProblem} of every database of a catalog that has one, by database. */
export async function catalogLatestProblems(store: BackupStore, layout: BackupLayout, catalog: BackupCatalog): Promise<Map<string, string>> {
  const databases = [...new Set([...catalog.backups, ...catalog.broken, ...catalog.partial].map((entry) => entry.database))].sort();
  const problems = new Map<string, string>();
  for (const database of databases) {
    const complete = catalog.backups.filter((backup) => backup.database === database).map((backup) => backup.backupId);
    const problem = await latestPointerProblem(store, layout, database, complete);
    if (problem !== undefined) problems.set(database, problem);
  }
  return problems;
}
