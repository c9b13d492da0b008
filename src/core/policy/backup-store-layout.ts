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
