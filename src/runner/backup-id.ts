import { randomBytes } from 'node:crypto';

/** A backup id: the UTC start time to the second, then 8 random hex digits, e.g. `20261124T020000Z-9f1c2a7b`. */
export const BACKUP_ID_PATTERN = /^\d{8}T\d{6}Z-[0-9a-f]{8}$/;

/**
 * A new backup id. Ids sort by start time as plain strings (the order every object store lists keys in),
 * and the random suffix keeps two runs started in the same second apart.
 */
export function newBackupId(startedAt: Date = new Date()): string {
  const stamp = startedAt.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
  return `${stamp}-${randomBytes(4).toString('hex')}`;
}

/** Whether a string is a backup id. */
export function isBackupId(value: string): boolean {
  return BACKUP_ID_PATTERN.test(value);
}
