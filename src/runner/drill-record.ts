import type { Logger } from 'pino';
import { BackupLayout } from './backup-layout';
import type { BackupLocation } from './backup-location';
import type { BackupStore } from './backup-store';
import { errorMessage } from './runner-error';
import { DRILLS_FOLDER, compactDrillTime } from '../core/policy/backup-store-layout';

export { DRILLS_FOLDER } from '../core/policy/backup-store-layout';

/**
 * Which drill wrote a result: `dump` (`pg-backup verify`), `pitr` (`pg-backup drill-pitr`), or a managed database's
 * drill whose checks task ran `pg-backup check --record-to`: `snapshot` (its newest snapshot restored), `point-in-time`
 * (restored to a target time; an Azure flexible server's by `pg-backup drill-flexible-pitr`); `restore-testing` is written
 * by the validation of an AWS Backup restore test.
 */
export type DrillRecordKind = 'dump' | 'pitr' | 'snapshot' | 'point-in-time' | 'restore-testing';

/** The kinds `pg-backup check --drill-kind` records. */
export const CHECK_DRILL_KINDS = ['snapshot', 'point-in-time', 'restore-testing'] as const satisfies readonly DrillRecordKind[];

/** One check of a drill and its outcome. */
export interface DrillRecordCheck {
  /** Where the check came from: a file, `--sql`, or a row bound. */
  readonly file: string;
  /** The statement or bound. */
  readonly statement: string;
  /** Whether it passed. */
  readonly passed: boolean;
}

/**
 * The result of one drill as it is stored beside the backups, so a person (and `pg-backup status`) can see when the
 * backups were last proven to restore: what was restored, how long it took, which point it recovered, what was checked.
 */
export interface DrillRecord {
  /** The format of this object. */
  readonly version: 1;
  /** Which drill. */
  readonly kind: DrillRecordKind;
  /** The database whose backups were drilled. */
  readonly database: string;
  /** Whether the restore and every check passed. */
  readonly succeeded: boolean;
  /** Why the drill failed, in the words of its error; absent on success. */
  readonly reason?: string;
  /** When the drill started (ISO 8601). */
  readonly startedAt: string;
  /** When it ended (ISO 8601). */
  readonly finishedAt: string;
  /**
   * What was restored: the backup id (dump), the base backup and target time (PITR), the snapshot (snapshot drill), the
   * target time (point-in-time drill), the restore job and the restored resource (restore testing).
   */
  readonly restored: {
    readonly backupId?: string;
    readonly baseBackup?: string;
    readonly targetTime?: string;
    readonly snapshot?: string;
    readonly restoreJobId?: string;
    readonly resource?: string;
  };
  /** The recovery time reached: seconds from the start of the restore to a database ready for checks. */
  readonly rtoSeconds?: number;
  /** The recovery point reached: the dump's snapshot time, or the commit time where recovery stopped. */
  readonly recoveryPoint?: string;
  /** Rows that matched the backup's counts (dump) or the row bounds (PITR). */
  readonly rowsMatched?: number;
  /** Each check and its outcome. */
  readonly checks: readonly DrillRecordCheck[];
}

/** The key of a drill result written at `finishedAt`: the compact UTC time sorts the keys by time. */
export function drillRecordKey(layout: BackupLayout, database: string, finishedAt: Date): string {
  return `${layout.databaseFolder(database)}/${DRILLS_FOLDER}/${compactDrillTime(finishedAt)}.json`;
}

/**
 * Writes a drill result beside the backups of its database, whole or not at all and never over another (the store's
 * create-only small write, as for manifests). Returns the key.
 */
export async function writeDrillRecord(store: BackupStore, layout: BackupLayout, record: DrillRecord): Promise<string> {
  const key = drillRecordKey(layout, record.database, new Date(record.finishedAt));
  await store.putBytes(key, Buffer.from(`${JSON.stringify(record, null, 2)}\n`));
  return key;
}

/** A stored drill result and its key. */
export interface StoredDrillRecord {
  /** Its key. */
  readonly key: string;
  /** The result. */
  readonly record: DrillRecord;
}

/** The drill results of one database: the newest, and the newest successful one. */
export interface DatabaseDrills {
  /** The database. */
  readonly database: string;
  /** The newest result, whatever its outcome. */
  readonly newest?: StoredDrillRecord;
  /** The newest successful result. */
  readonly newestSucceeded?: StoredDrillRecord;
  /** Results that could not be read as one, with the reason. */
  readonly unreadable: { readonly key: string; readonly reason: string }[];
}

function parseDrillRecord(data: Buffer, key: string): DrillRecord {
  const value = JSON.parse(data.toString('utf8')) as Partial<DrillRecord>;
  if (value === null || typeof value !== 'object' || value.version !== 1 || typeof value.succeeded !== 'boolean'
    || typeof value.finishedAt !== 'string' || Number.isNaN(Date.parse(value.finishedAt)) || typeof value.database !== 'string') {
    throw new Error(`${key} is not a drill result (version 1 with database, succeeded and finishedAt)`);
  }
  return value as DrillRecord;
}

/**
 * Reads the drill results under the layout's prefix (of one database, if given): per database the newest one and the
 * newest successful one, reading newest first and stopping at the first success. A result that cannot be read is
 * listed with its reason and never hides the others.
 */
export async function readDatabaseDrills(store: BackupStore, layout: BackupLayout, database?: string): Promise<DatabaseDrills[]> {
  const prefix = database === undefined ? layout.rootPrefix : `${layout.databaseFolder(database)}/`;
  const keysByDatabase = new Map<string, string[]>();
  for await (const key of store.list(prefix)) {
    const parsed = layout.parseObjectKey(key);
    if (!parsed || parsed.backupId !== DRILLS_FOLDER || !/^[^/]+\.json$/.test(parsed.name)) continue;
    if (database !== undefined && parsed.database !== database) continue;
    keysByDatabase.set(parsed.database, [...(keysByDatabase.get(parsed.database) ?? []), key]);
  }
  const results: DatabaseDrills[] = [];
  for (const [name, keys] of [...keysByDatabase].sort(([a], [b]) => a.localeCompare(b))) {
    let newest: StoredDrillRecord | undefined;
    let newestSucceeded: StoredDrillRecord | undefined;
    const unreadable: { key: string; reason: string }[] = [];
    for (const key of keys.sort().reverse()) {
      const data = await store.getBytes(key);
      if (data === undefined) continue;
      let record: DrillRecord;
      try {
        record = parseDrillRecord(data, key);
      } catch (error) {
        unreadable.push({ key, reason: errorMessage(error) });
        continue;
      }
      newest ??= { key, record };
      if (record.succeeded) {
        newestSucceeded = { key, record };
        break;
      }
    }
    results.push({ database: name, newest, newestSucceeded, unreadable });
  }
  return results;
}

/**
 * Stores a drill's result beside the backups it drilled. A store that refuses the write (an identity that may only
 * read) does not change the drill's outcome: the refusal is logged and returned, so the result line shows it.
 */
export async function recordDrill(
  source: { readonly location: BackupLocation; readonly store: BackupStore }, logger: Logger, record: DrillRecord,
): Promise<{ key: string; written: boolean; error?: string }> {
  const layout = new BackupLayout(source.location);
  const key = drillRecordKey(layout, record.database, new Date(record.finishedAt));
  try {
    await writeDrillRecord(source.store, layout, record);
    logger.info({ key, succeeded: record.succeeded }, 'drill result stored beside the backups');
    return { key, written: true };
  } catch (error) {
    logger.warn({ key, error: errorMessage(error) }, 'the drill result could not be stored beside the backups; status will not show this drill');
    return { key, written: false, error: errorMessage(error) };
  }
}
