import { DEFAULT_DUMP_RETENTION_DAYS } from './default-values';
import type { BackupRetentionPolicy, LogicalDumpPolicy, ScheduleSpec } from './policy';
import { checkSchedule } from './schedule';
import type { Validator } from './validation';

/** A retention policy with every default filled in. */
export interface ResolvedBackupRetentionPolicy {
  /** Days whose first backup is kept. */
  readonly daily: number;
  /** ISO weeks whose first backup is kept. */
  readonly weekly: number;
  /** Months whose first backup is kept. */
  readonly monthly: number;
  /** Years whose first backup is kept. */
  readonly yearly: number;
  /** The newest complete backups always kept. */
  readonly minimumKept: number;
  /** When the prune task runs. */
  readonly pruneSchedule: ScheduleSpec;
}

/** The retention of dumps when `retention` is given without a value. */
export const DEFAULT_BACKUP_RETENTION: ResolvedBackupRetentionPolicy = {
  daily: 7, weekly: 4, monthly: 12, yearly: 0, minimumKept: 3, pruneSchedule: { expression: '0 5 * * *', timezone: 'UTC' },
};

/** The largest count of each class and of the floor. */
export const MAX_BACKUP_RETENTION_COUNTS = { daily: 3660, weekly: 520, monthly: 1200, yearly: 100, minimumKept: 1000 } as const;

/** Hours a backup folder without a usable manifest (a dump that failed, or is still running) is left before a prune removes it. */
export const DEFAULT_ABANDONED_BACKUP_GRACE_HOURS = 48;

/** Fills in the defaults of a retention policy. */
export function resolveBackupRetention(retention: BackupRetentionPolicy): ResolvedBackupRetentionPolicy {
  return {
    daily: retention.daily ?? DEFAULT_BACKUP_RETENTION.daily,
    weekly: retention.weekly ?? DEFAULT_BACKUP_RETENTION.weekly,
    monthly: retention.monthly ?? DEFAULT_BACKUP_RETENTION.monthly,
    yearly: retention.yearly ?? DEFAULT_BACKUP_RETENTION.yearly,
    minimumKept: retention.minimumKept ?? DEFAULT_BACKUP_RETENTION.minimumKept,
    pruneSchedule: retention.pruneSchedule ?? DEFAULT_BACKUP_RETENTION.pruneSchedule,
  };
}

/** The calendar days the longest class of a retention spans at least (a week 7, a month 31, a year 366). */
export function longestRetentionClassDays(retention: ResolvedBackupRetentionPolicy): number {
  return Math.max(retention.daily, retention.weekly * 7, retention.monthly * 31, retention.yearly * 366);
}

/**
 * Days after which the bucket's lifecycle deletes a dump when a retention policy is given: a safety net far beyond
 * the longest class (twice it, at least 60 days), for a prune task that stopped running. The prune task does the
 * real work.
 */
export function retentionSafetyNetDays(retention: ResolvedBackupRetentionPolicy): number {
  return Math.max(60, 2 * longestRetentionClassDays(retention));
}

/**
 * Checks a retention policy and how it combines with `retentionDays`: each count a whole number in its range, a floor
 * of at least one backup, the prune schedule, and a `retentionDays` (then the lifecycle's safety net) of at least
 * twice the longest class, so the lifecycle never deletes what a class keeps.
 */
export function checkBackupRetention(
  validator: Validator, path: string, retention: BackupRetentionPolicy | undefined, retentionDays: number | undefined, retentionDaysPath: string,
): void {
  if (retention === undefined || validator.isUnresolved(retention)) return;
  if (typeof retention !== 'object' || retention === null) {
    validator.report({ path, value: retention, allowed: 'an object { daily, weekly, monthly, yearly, minimumKept }' });
    return;
  }
  let countsValid = true;
  for (const name of ['daily', 'weekly', 'monthly', 'yearly'] as const) {
    countsValid = validator.integer(`${path}.${name}`, retention[name], 0, MAX_BACKUP_RETENTION_COUNTS[name], 'backups') && countsValid;
  }
  const floorValid = validator.integer(`${path}.minimumKept`, retention.minimumKept, 1, MAX_BACKUP_RETENTION_COUNTS.minimumKept, 'backups');
  checkSchedule(validator, `${path}.pruneSchedule`, retention.pruneSchedule);
  const counts = [retention.daily, retention.weekly, retention.monthly, retention.yearly];
  if (!countsValid || !floorValid || retentionDays === undefined || validator.isUnresolved(retentionDays, ...counts)) return;
  const resolved = resolveBackupRetention(retention);
  const needed = 2 * longestRetentionClassDays(resolved);
  if (typeof retentionDays === 'number' && retentionDays < needed) {
    validator.report({
      path: retentionDaysPath,
      value: retentionDays,
      allowed: `at least ${needed} days (twice the longest class of ${validator.propPath(path)})`,
      reason: `with ${validator.propPath(path)} the prune task deletes dumps and retentionDays is only the bucket lifecycle's safety net, which must never delete what a class keeps`,
    }, [retentionDays, retention]);
  }
}

/** The classes and floor of a dump retention, as a protection records them (the examples' summary reads them). */
export function retentionCounts(retention: BackupRetentionPolicy): Pick<ResolvedBackupRetentionPolicy, 'daily' | 'weekly' | 'monthly' | 'yearly' | 'minimumKept'> {
  const { daily, weekly, monthly, yearly, minimumKept } = resolveBackupRetention(retention);
  return { daily, weekly, monthly, yearly, minimumKept };
}

/** How long dumps are kept, in words: `kept 30 days`, or the classes and the floor of a retention policy. */
export function describeDumpRetention(dump: LogicalDumpPolicy): string {
  if (dump.retention === undefined) return `kept ${dump.retentionDays ?? DEFAULT_DUMP_RETENTION_DAYS} days`;
  const { daily, weekly, monthly, yearly, minimumKept } = resolveBackupRetention(dump.retention);
  return `kept by \`pg-backup prune\`: the first of the newest ${daily} days, ${weekly} ISO weeks, ${monthly} months and ${yearly} years, `
    + `never fewer than the newest ${minimumKept}`;
}
