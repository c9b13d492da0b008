/**
 * Where a database's objects live in a backup store (`<prefix>/<database>/…`), decided once: the runner writes and
 * reads its backups and drill results with it, and the state machines and IAM grants of the drills name the same keys.
 */

/** Folder of a database's drill results, beside its backups: `<prefix>/<database>/drills/<time>.json`. */
export const DRILLS_FOLDER = 'drills';

/**
 * The folder of every backup (and drill result) of a database under `prefix` (`''` for the store's root). The name is
 * percent-encoded, so a `/` in it cannot make a new level, and `.` or `..` cannot name the folder itself or its parent;
 * an empty prefix adds no leading `/`.
 */
export function backupDatabaseFolder(prefix: string, database: string): string {
  const encoded = encodeURIComponent(database);
  const folder = encoded === '.' || encoded === '..' ? encoded.replace(/\./g, '%2E') : encoded;
  return prefix === '' ? folder : `${prefix}/${folder}`;
}

/** The folder of a database's drill results: `<prefix>/<database>/drills` (see {@link backupDatabaseFolder}). */
export function drillResultsFolder(prefix: string, database: string): string {
  return `${backupDatabaseFolder(prefix, database)}/${DRILLS_FOLDER}`;
}

/** The compact UTC time a drill result is named after (`20261124T060000.000Z`): its keys sort by time. */
export function compactDrillTime(time: Date): string {
  return time.toISOString().replace(/[-:]/g, '');
}

/** The key of a drill result of `database` under `prefix`, named after `time`. */
export function drillResultKey(prefix: string, database: string, time: Date): string {
  return `${drillResultsFolder(prefix, database)}/${compactDrillTime(time)}.json`;
}

/**
 * The environment variable a drill's task is told its drill's identity in (the state machine's execution ARN), which
 * `pg-backup` writes into the drill's result as `drillId`. The state machine writes the same into a result it writes
 * itself, so `pg-backup status` knows the two results of one drill apart from two drills: a success the task wrote is
 * not a good drill when a newer result of the same drill says it failed after the task (a restore slower than the RTO).
 */
export const DRILL_ID_ENV = 'PG_BACKUP_DRILL_ID';
