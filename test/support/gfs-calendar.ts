import { BACKUP_CLASSES, backupPeriodOf, type ResolvedBackupRetentionPolicy } from '../../src/core';

/** A dump in a simulated history: its id and its snapshot time. */
export interface HistoricDump {
  readonly backupId: string;
  readonly at: Date;
}

/** A backup id as the runner writes it, from the dump's start time. */
export function backupIdAt(time: number, suffix = '0000abcd'): string {
  return `${new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '')}-${suffix}`;
}

/**
 * The grandfather-father-son set computed from a whole history by the calendar alone, independently of the code under
 * test: for each class, the first dump of each of the N newest periods that had a dump, and the newest `minimumKept`.
 */
export function expectedGfsSet(history: readonly HistoricDump[], retention: Omit<ResolvedBackupRetentionPolicy, 'pruneSchedule'>): string[] {
  const ordered = [...history].sort((a, b) => a.at.getTime() - b.at.getTime());
  const kept = new Set<string>();
  for (const backupClass of BACKUP_CLASSES) {
    const firstOfPeriod = new Map<string, string>();
    for (const dump of ordered) {
      const period = backupPeriodOf(backupClass, dump.at);
      if (!firstOfPeriod.has(period)) firstOfPeriod.set(period, dump.backupId);
    }
    const periods = [...firstOfPeriod.values()];
    periods.slice(Math.max(0, periods.length - retention[backupClass])).forEach((id) => kept.add(id));
  }
  ordered.slice(-retention.minimumKept).forEach((dump) => kept.add(dump.backupId));
  return [...kept].sort();
}
