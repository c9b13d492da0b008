import { BACKUP_CLASSES, backupPeriodOf, classifyBackup, type BackupClass } from './backup-classes';
import type { ResolvedBackupRetentionPolicy } from './backup-retention';

/** A complete backup of one database, as a prune sees it. */
export interface RetentionCandidate {
  /** The backup id. */
  readonly backupId: string;
  /** When its snapshot was taken (ISO 8601): what orders backups and decides their periods. */
  readonly snapshotAt: string;
  /** When it finished (ISO 8601): what the RPO is measured from. */
  readonly finishedAt: string;
  /**
   * Its classes, as recorded when it was written.
   * @default - derived from the snapshot times of the backups listed (a backup written before classes were recorded)
   */
  readonly classes?: readonly BackupClass[];
}

/** A backup folder without a usable manifest: a dump that failed or was interrupted, or one still running. */
export interface AbandonedBackupCandidate {
  /** The backup id (its folder). */
  readonly backupId: string;
  /** When the dump started (from its id). */
  readonly startedAt: string;
}

/** What a prune of one database starts from. */
export interface RetentionSelectionInput {
  /** The complete backups, in any order. */
  readonly backups: readonly RetentionCandidate[];
  /**
   * The backup the `latest` pointer names, which is never deleted.
   * @default - no pointer
   */
  readonly latestBackupId?: string;
  /**
   * Partial and broken backup folders.
   * @default - none
   */
  readonly abandoned?: readonly AbandonedBackupCandidate[];
  /** The retention. */
  readonly retention: ResolvedBackupRetentionPolicy;
  /** The time of the prune. */
  readonly now: Date;
  /** Nothing is deleted unless a backup finished within this many seconds before `now`. */
  readonly rpoSeconds: number;
  /** An abandoned folder is removed only when its dump started longer ago than this many seconds. */
  readonly abandonedGraceSeconds: number;
}

/** Why a backup is kept. */
export type RetentionReason = BackupClass | 'minimumKept' | 'latest' | 'halted';

/** A backup that stays, and every reason it does. */
export interface RetainedBackup {
  /** The backup id. */
  readonly backupId: string;
  /** Its classes (recorded or derived). */
  readonly classes: readonly BackupClass[];
  /** Why it stays: the classes that keep it, the floor, `latest`, or a halted prune. */
  readonly reasons: readonly RetentionReason[];
}

/** What a prune of one database keeps and deletes. */
export interface RetentionSelection {
  /** The backups kept, oldest snapshot first. */
  readonly keep: readonly RetainedBackup[];
  /** The complete backups to delete, oldest snapshot first. */
  readonly delete: readonly string[];
  /** The abandoned folders to remove (older than the grace period), oldest first. */
  readonly deleteAbandoned: readonly string[];
  /** The abandoned folders left alone (within the grace period, or named by `latest`). */
  readonly keepAbandoned: readonly string[];
  /**
   * Why nothing is deleted at all: no backup finished within the RPO.
   * @default - the prune goes ahead
   */
  readonly halted?: string;
}

function order(a: RetentionCandidate, b: RetentionCandidate): number {
  return Date.parse(a.snapshotAt) - Date.parse(b.snapshotAt) || (a.backupId < b.backupId ? -1 : a.backupId > b.backupId ? 1 : 0);
}

/** A duration for a person: whole hours up to two days (`26h`), then days and hours (`3d 4h`); under an hour, seconds. */
function durationText(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  if (hours === 0) return `${Math.round(seconds)}s`;
  return hours < 48 ? `${hours}h` : `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/**
 * Decides what a prune of one database keeps and deletes, with nothing but the list of its backups and the clock:
 *
 * - kept: for each class with count N, the first backup of each of the N newest periods that have a backup of that
 *   class; the newest `minimumKept` backups; the backup `latest` names;
 * - deleted: every other complete backup, and the abandoned folders older than the grace period (never one `latest`
 *   names);
 * - nothing at all is deleted when no backup finished within the RPO (dumps are failing: the backups there are the
 *   last good ones), nor when there is no complete backup.
 */
export function selectRetainedBackups(input: RetentionSelectionInput): RetentionSelection {
  const backups = [...input.backups].sort(order);
  const { retention } = input;
  const snapshots = backups.map((backup) => new Date(backup.snapshotAt));
  const classes = new Map(backups.map((backup, index) => [backup.backupId,
    backup.classes ?? classifyBackup(snapshots[index], snapshots.slice(0, index))]));
  const reasons = new Map<string, RetentionReason[]>(backups.map((backup) => [backup.backupId, []]));

  const newestFinish = Math.max(...backups.map((backup) => Date.parse(backup.finishedAt)));
  const sinceNewest = (input.now.getTime() - newestFinish) / 1000;
  const abandoned = [...(input.abandoned ?? [])].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  if (backups.length === 0 || sinceNewest > input.rpoSeconds) {
    const halted = backups.length === 0
      ? 'there is no complete backup; nothing is deleted'
      : `no backup finished within the RPO of ${durationText(input.rpoSeconds)} (the newest finished ${durationText(sinceNewest)} ago): `
        + 'nothing is deleted while dumps are failing, so the last good backups stay';
    return {
      keep: backups.map((backup) => ({ backupId: backup.backupId, classes: classes.get(backup.backupId)!, reasons: ['halted'] })),
      delete: [],
      deleteAbandoned: [],
      keepAbandoned: abandoned.map((folder) => folder.backupId),
      halted,
    };
  }

  for (const backupClass of BACKUP_CLASSES) {
    // The oldest backup of a period that has the class is the one kept for it (two overlapping dumps may both claim it).
    const firstOfPeriod = new Map<string, string>();
    backups.forEach((backup, index) => {
      if (!classes.get(backup.backupId)!.includes(backupClass)) return;
      const period = backupPeriodOf(backupClass, snapshots[index]);
      if (!firstOfPeriod.has(period)) firstOfPeriod.set(period, backup.backupId);
    });
    const newestPeriods = retention[backupClass] === 0 ? [] : [...firstOfPeriod.values()].slice(-retention[backupClass]);
    for (const backupId of newestPeriods) reasons.get(backupId)!.push(backupClass);
  }
  for (const backup of backups.slice(-retention.minimumKept)) reasons.get(backup.backupId)!.push('minimumKept');
  if (input.latestBackupId !== undefined) reasons.get(input.latestBackupId)?.push('latest');

  const cutoff = input.now.getTime() - input.abandonedGraceSeconds * 1000;
  const removable = (folder: AbandonedBackupCandidate) => folder.backupId !== input.latestBackupId && Date.parse(folder.startedAt) < cutoff;
  return {
    keep: backups.filter((backup) => reasons.get(backup.backupId)!.length > 0)
      .map((backup) => ({ backupId: backup.backupId, classes: classes.get(backup.backupId)!, reasons: reasons.get(backup.backupId)! })),
    delete: backups.filter((backup) => reasons.get(backup.backupId)!.length === 0).map((backup) => backup.backupId),
    deleteAbandoned: abandoned.filter(removable).map((folder) => folder.backupId),
    keepAbandoned: abandoned.filter((folder) => !removable(folder)).map((folder) => folder.backupId),
  };
}
