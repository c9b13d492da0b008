/**
 * The classes of grandfather-father-son retention: a backup is `daily` when it is the first good backup of its UTC
 * day, `weekly` of its ISO week, `monthly` of its UTC month, `yearly` of its UTC year. The first backup of a year is
 * all four. The class is decided when the backup is written and stored with it, so deleting older backups never
 * changes what a kept one is.
 */

/** A class of grandfather-father-son retention. */
export type BackupClass = 'daily' | 'weekly' | 'monthly' | 'yearly';

/** The classes, shortest period first. */
export const BACKUP_CLASSES: readonly BackupClass[] = ['daily', 'weekly', 'monthly', 'yearly'];

/** The value of a backup's class tag when it is the first of no period (a second dump on one day). */
export const NO_BACKUP_CLASS = 'none';

/** The key of the object tag (S3 object tag, Azure blob index tag) that holds a backup's longest class. */
export const BACKUP_CLASS_TAG = 'backup-class';

/** The ISO 8601 week of a UTC instant, as `2026-W49` (the week's year may differ from the calendar year near New Year). */
export function isoWeekOf(at: Date): string {
  // The Thursday of the week decides its year (ISO 8601: week 1 holds the year's first Thursday).
  const thursday = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const weekday = thursday.getUTCDay() === 0 ? 7 : thursday.getUTCDay();
  thursday.setUTCDate(thursday.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.floor((thursday.getTime() - yearStart) / 86_400_000 / 7) + 1;
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** The period of a class that holds a UTC instant: `2026-12-05`, `2026-W49`, `2026-12`, `2026`. */
export function backupPeriodOf(backupClass: BackupClass, at: Date): string {
  const day = at.toISOString().slice(0, 10);
  switch (backupClass) {
    case 'daily': return day;
    case 'weekly': return isoWeekOf(at);
    case 'monthly': return day.slice(0, 7);
    case 'yearly': return day.slice(0, 4);
  }
}

/**
 * The classes of a new backup taken at `snapshotAt`, given the snapshot times of the good (complete) backups already
 * there: each class whose period holds no earlier one.
 */
export function classifyBackup(snapshotAt: Date, earlierSnapshots: readonly Date[]): BackupClass[] {
  const earlier = earlierSnapshots.filter((at) => at.getTime() < snapshotAt.getTime());
  return BACKUP_CLASSES.filter((backupClass) => {
    const period = backupPeriodOf(backupClass, snapshotAt);
    return !earlier.some((at) => backupPeriodOf(backupClass, at) === period);
  });
}

/** The longest class of a list (the value of {@link BACKUP_CLASS_TAG}), or {@link NO_BACKUP_CLASS}. */
export function longestBackupClass(classes: readonly BackupClass[]): BackupClass | typeof NO_BACKUP_CLASS {
  for (const backupClass of [...BACKUP_CLASSES].reverse()) if (classes.includes(backupClass)) return backupClass;
  return NO_BACKUP_CLASS;
}

/** The object tags that record a backup's classes. */
export function backupClassTags(classes: readonly BackupClass[]): Record<string, string> {
  return { [BACKUP_CLASS_TAG]: longestBackupClass(classes) };
}
