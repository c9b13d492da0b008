import type { BackupManifest } from './backup-manifest';

/** Where a backup stands among the backups of its database: by the time of its snapshot. */
export interface SnapshotPosition {
  /** The backup. */
  readonly backupId: string;
  /** When its snapshot was taken (ISO 8601, to the microsecond when the server said so). */
  readonly snapshotAt: string;
}

/** A manifest's position: its snapshot time, or its start time when it predates recording the snapshot's. */
export function snapshotPositionOf(manifest: BackupManifest): SnapshotPosition {
  return { backupId: manifest.backupId, snapshotAt: manifest.snapshotAt ?? manifest.startedAt };
}

/** Microseconds since the epoch of an ISO 8601 time (JavaScript's `Date` stops at milliseconds). */
function microsecondsOf(iso: string): number {
  const fraction = /\.(\d+)(Z|[+-]\d\d:?\d\d)$/.exec(iso);
  const wholeSeconds = Date.parse(fraction ? iso.replace(/\.\d+/, '') : iso);
  const micros = fraction ? Number(fraction[1].slice(0, 6).padEnd(6, '0')) : 0;
  return wholeSeconds * 1000 + micros;
}

/**
 * Orders two backups of one database by snapshot time; equal times (two snapshots in the same
 * microsecond) fall back to the backup ids, so the order is total and every run agrees on it.
 */
export function compareSnapshots(a: SnapshotPosition, b: SnapshotPosition): number {
  return microsecondsOf(a.snapshotAt) - microsecondsOf(b.snapshotAt) || (a.backupId < b.backupId ? -1 : a.backupId > b.backupId ? 1 : 0);
}

/** The backup with the newest snapshot, or `undefined` for none. */
export function newestSnapshot<T extends SnapshotPosition>(positions: readonly T[]): T | undefined {
  let newest: T | undefined;
  for (const candidate of positions) if (newest === undefined || compareSnapshots(candidate, newest) > 0) newest = candidate;
  return newest;
}
